# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Dunning (France)",
    "summary": "Staged payment reminders by cron, French late interest and "
    "the 40 EUR recovery indemnity",
    "version": "18.0.1.2.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/billing-fr/billing-fr",
    "author": "Billing FR",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    # the letter prints phone numbers as the customer dials them
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/ir.model.access.csv",
        "security/billing_dunning_security.xml",
        "data/billing_dunning_rate_data.xml",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/billing_dunning_policy_views.xml",
        "views/billing_dunning_rate_views.xml",
        "views/billing_dunning_reminder_views.xml",
        "views/billing_dunning_followup_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "report/billing_dunning_reminder_report.xml",
        "views/billing_dunning_menus.xml",
    ],
    "demo": ["demo/billing_dunning_demo.xml"],
    "assets": {
        "web.assets_tests": ["billing_dunning/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
