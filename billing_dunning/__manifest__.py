# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Dunning (France)",
    "summary": "Staged payment reminders by cron, French late interest and "
    "the 40 EUR recovery indemnity",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/billing-fr/billing-fr",
    "author": "Billing FR",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/billing_dunning_security.xml",
        "views/billing_dunning_policy_views.xml",
        "views/billing_dunning_menus.xml",
    ],
    "installable": True,
    "application": False,
}
