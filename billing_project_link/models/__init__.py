from . import (
    account_chart_template,
    account_move,
    account_move_line,
    billing_affaire_report,
    billing_backlog_report,
    billing_situation,
    billing_situation_line,
    mail_thread,
    project_project,
    res_company,
    res_config_settings,
    res_lang,
    res_partner,
    res_users,
    sale_order,
    sale_order_line,
    stock_picking,
    stock_picking_at_once,
    stock_picking_invoice,
    stock_picking_periodic,
    web_tour_tour,
)

# isort: split
# billing lead time (issue 22)
from . import account_move_operator, billing_lead_time_report
