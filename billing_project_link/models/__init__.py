from . import (
    account_chart_template,
    account_move,
    account_move_line,
    billing_affaire_report,
    billing_situation,
    billing_situation_line,
    mail_thread,
    project_project,
    res_company,
    res_lang,
    res_partner,
    sale_order,
    sale_order_line,
    stock_picking,
)

# isort: split
# billing lead time (issue 22)
from . import account_move_operator, billing_lead_time_report
