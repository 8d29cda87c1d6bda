from . import (
    account_move,
    account_move_facturx,
    account_move_send_facturx,
    account_tax,
    billing_fr_rate,
    ir_actions_report,
    res_company,
    res_config_settings,
    res_partner,
)
