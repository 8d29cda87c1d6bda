# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "French Billing Compliance",
    "summary": "Legal mentions, posting gate, payment-term limits and Factur-X "
    "EN16931 for French invoices",
    "version": "18.0.1.1.0",
    "category": "Accounting/Localizations",
    "website": "https://github.com/billing-fr/billing-fr",
    "author": "Billing FR",
    "license": "LGPL-3",
    "depends": ["account", "account_edi_ubl_cii", "l10n_fr_account"],
    "external_dependencies": {
        "python": [
            "factur-x",
            "fonttools",
            "phonenumbers",
            "python-stdnum",
            "saxonche",
            # e-invoicing through a PA: the HTTP client, and the CDAR XSD and BR-FR-CDV
            # schematron of the lifecycle statuses
            "requests",
            "pyfrctc",
        ],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/billing_fr_numbering_check_security.xml",
        "data/billing_fr_rate_data.xml",
        "data/account_fiscal_position_data.xml",
        "data/ir_cron_data.xml",
        "views/billing_fr_rate_views.xml",
        "views/res_partner_views.xml",
        "views/billing_fr_legal_help_views.xml",
        "views/res_config_settings_views.xml",
        "views/account_move_views.xml",
        "views/billing_fr_numbering_check_views.xml",
        "report/report_invoice.xml",
        "views/billing_fr_compliance_menus.xml",
        # issue 13, lifecycle statuses (CDAR)
        "security/billing_pa_status_security.xml",
        "views/billing_pa_status_views.xml",
        "views/billing_pa_status_answer_views.xml",
        # e-invoicing through a PA (paclient)
        "security/billing_pa_security.xml",
        "data/billing_pa_cron_data.xml",
        "views/billing_pa_views.xml",
        # e-reporting (flux 10, issue 20)
        "security/billing_fr_ereport_security.xml",
        "data/billing_fr_ereport_cron_data.xml",
        "views/billing_fr_ereport_views.xml",
        "views/res_config_settings_pa_views.xml",
        # billing quality and credit-note controls (issue 22)
        "security/billing_fr_quality_security.xml",
        "data/billing_fr_quality_data.xml",
        "views/billing_fr_quality_views.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/account_move_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_backend": [
            "billing_fr_compliance/static/src/js/gate_refusal.js",
            "billing_fr_compliance/static/src/xml/gate_refusal.xml",
            "billing_fr_compliance/static/src/js/legal_help.js",
        ],
        "web.assets_tests": ["billing_fr_compliance/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
