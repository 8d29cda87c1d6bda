from . import account_move, billing_fr_rate, res_company, res_config_settings, res_partner
