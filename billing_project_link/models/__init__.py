from . import (
    account_chart_template_progress,
    account_move_line_progress,
    account_move_progress,
    billing_affaire_report,
    billing_situation,
    billing_situation_line,
    project_project_progress,
    res_company_progress,
    sale_order_line_progress,
    sale_order_progress,
)
