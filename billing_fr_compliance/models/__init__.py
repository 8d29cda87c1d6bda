from . import (
    account_chart_template,
    account_fiscal_position,
    account_move,
    account_payment_term,
    billing_fr_rate,
    res_company,
    res_config_settings,
    res_partner,
)
