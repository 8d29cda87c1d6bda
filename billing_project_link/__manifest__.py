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
    "depends": ["sale_stock", "sale_project", "sale_timesheet"],
    "data": [
        "security/ir.model.access.csv",
        "data/stock_picking_cron.xml",
        "views/stock_picking_views.xml",
        "views/res_partner_views.xml",
        "wizards/stock_picking_invoice_views.xml",
    ],
    "demo": ["demo/stock_picking_demo.xml"],
    "installable": True,
    "application": False,
}
