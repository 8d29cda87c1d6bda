# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class BillingFrEreportLine(models.Model):
    """What a report holds, line by line: each sale or payment with its share per VAT rate,
    and what it left out and why (the drill-down of the report's preview)."""

    _name = "billing.fr.ereport.line"
    _description = "E-reporting line"
    _order = "section, date, id"
    _check_company_auto = True

    report_id = fields.Many2one(
        "billing.fr.ereport", string="E-report", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    section = fields.Selection(
        selection=[
            ("10.1", "10.1 Sale to a foreign business"),
            ("10.2", "10.2 Payment of a foreign business"),
            ("10.3", "10.3 Sales to private customers"),
            ("10.4", "10.4 Payments of private customers"),
            ("left_out", "Left out"),
        ],
        required=True,
    )
    move_id = fields.Many2one(
        "account.move", string="Document", ondelete="set null", index=True, check_company=True
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Line", ondelete="set null", check_company=True
    )
    partial_id = fields.Many2one(
        "account.partial.reconcile",
        string="Reconciliation",
        ondelete="set null",
        check_company=True,
    )
    undo_of_id = fields.Many2one(
        "billing.fr.ereport.line",
        string="Undoes",
        ondelete="set null",
        check_company=True,
        help="The payment reported earlier that was taken off its invoice.",
    )
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Customer")
    date = fields.Date()
    category = fields.Selection(
        selection=[
            ("TLB1", "Goods"),
            ("TPS1", "Services"),
            ("TNT1", "Not subject to VAT"),
            ("TMA1", "Margin scheme"),
        ],
    )
    vat_category = fields.Char(string="VAT Category")
    rate = fields.Float(string="VAT Rate (%)", digits=(5, 2))
    base = fields.Monetary(string="Untaxed", currency_field="currency_id")
    tax = fields.Monetary(string="VAT", currency_field="currency_id")
    amount = fields.Monetary(string="Received", currency_field="currency_id")
    reason = fields.Selection(
        selection=[
            ("domestic_b2b", "French business: sent as an e-invoice"),
            ("out_of_scope", "Out of the scope of French VAT"),
            ("platform", "The platform reports it"),
        ],
    )
