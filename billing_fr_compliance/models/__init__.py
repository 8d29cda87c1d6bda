from . import billing_fr_rate, res_company, res_config_settings, res_partner
