# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Invoicing from Deliveries and Project Progress",
    "summary": "Invoice delivery notes, milestones and French situation invoices "
    "with retenue de garantie",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/billing-fr/billing-fr",
    "author": "Billing FR",
    "license": "LGPL-3",
    "depends": ["sale_stock", "sale_project", "sale_timesheet", "web_tour"],
    "data": [
        "security/ir.model.access.csv",
        "security/billing_situation_security.xml",
        "data/stock_picking_cron.xml",
        "data/billing_backlog_data.xml",
        "data/web_tour_tour_data.xml",
        "views/stock_picking_views.xml",
        "views/res_partner_views.xml",
        "views/billing_situation_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/billing_affaire_views.xml",
        "views/billing_backlog_report_views.xml",
        "report/report_invoice_situation.xml",
        "wizards/stock_picking_invoice_views.xml",
        # billing lead time (issue 22)
        "security/billing_lead_time_security.xml",
        "views/billing_lead_time_views.xml",
    ],
    "demo": ["demo/stock_picking_demo.xml", "demo/billing_situation_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "billing_project_link/static/src/js/billing_project_link_onboarding.js"
        ],
        "web.assets_tests": ["billing_project_link/static/tests/tours/*.js"],
    },
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
