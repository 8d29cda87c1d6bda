from . import (
    account_chart_template,
    account_edi_xml_cii,
    account_fiscal_position,
    account_move,
    account_move_cdar,
    account_move_cdar_out,
    account_move_facturx,
    account_move_facturx_data,
    account_move_gate,
    account_move_line,
    account_move_send,
    account_move_snapshot,
    account_partial_reconcile,
    account_payment_term,
    account_tax,
    billing_fr_rate,
    billing_pa_status,
    ir_actions_report,
    ir_ui_menu,
    mail_thread,
    res_company,
    res_config_settings,
    res_lang,
    res_partner,
    res_partner_identity,
)

# isort: split
# e-invoicing through a PA (paclient)
from . import (
    account_move_pa,
    billing_pa_flow,
    billing_pa_flow_queue,
    billing_pa_platform,
    res_partner_pa,
)

# isort: split
# e-reporting (flux 10, issue 20), billing.fr.ereport one concern a file (after the record's own
# file); demo data of the e-invoicing screens (extends billing.pa.platform)
from . import (
    account_move_ereport,
    billing_fr_ereport,
    billing_fr_ereport_line,
    billing_pa_demo,
    billing_pa_flow_ereport,
    billing_pa_platform_ereport,
    res_company_ereport,
    res_config_settings_ereport,
)

# isort: split
from . import billing_fr_ereport_collect, billing_fr_ereport_file, billing_fr_ereport_send

# isort: split
# training: help texts of the legal identity and of the gate (issue 22)
from . import account_move_help, res_partner_help

# isort: split
# billing quality and credit-note controls (issue 22)
from . import (
    account_move_operator,
    account_move_quality,
    billing_fr_credit_reason,
    billing_fr_quality_report,
    billing_fr_refusal,
    res_company_quality,
    res_config_settings_quality,
)

# isort: split
# demo data of the billing quality report (extends billing.fr.refusal)
from . import billing_fr_quality_demo
