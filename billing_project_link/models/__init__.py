from . import (
    account_chart_template,
    account_move,
    account_move_line,
    billing_affaire_report,
    billing_situation,
    billing_situation_line,
    project_project,
    res_company,
    res_partner,
    sale_order,
    sale_order_line,
    stock_picking,
)
