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
    "data": [],
    "installable": True,
    "application": False,
}
