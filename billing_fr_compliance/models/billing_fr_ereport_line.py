# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


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
    # indexed (where set): each invoice line, reconciliation or report line deleted makes
    # PostgreSQL look for the lines pointing at it (ON DELETE SET NULL); without an index
    # that is a scan of this table per row deleted (preparing again a report of 6,000 lines
    # took 6 minutes, its own lines referencing the table)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Line",
        ondelete="set null",
        check_company=True,
        index="btree_not_null",
    )
    partial_id = fields.Many2one(
        "account.partial.reconcile",
        string="Reconciliation",
        ondelete="set null",
        check_company=True,
        index="btree_not_null",
    )
    undo_of_id = fields.Many2one(
        "billing.fr.ereport.line",
        string="Undoes",
        ondelete="set null",
        check_company=True,
        index="btree_not_null",
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
            ("no_origin", "Credit note without the invoice it corrects"),
        ],
    )
    origin_invoice_id = fields.Many2one(
        "account.move",
        string="Corrected Invoice",
        compute="_compute_origin_invoice_id",
        inverse="_inverse_origin_invoice_id",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id)]",
        help="A credit note must name the invoice it corrects to be e-reported (rule G1.32): "
        "set it here (a posted invoice of the same customer), then prepare the report again.",
    )

    @api.depends("reason", "move_id.reversed_entry_id")
    def _compute_origin_invoice_id(self):
        for line in self:
            line.origin_invoice_id = line.reason == "no_origin" and line.move_id.reversed_entry_id

    def _inverse_origin_invoice_id(self):
        """Record on the credit note the invoice it corrects, once checked: a posted invoice
        of the same customer and company, issued no later than the credit note."""
        for line in self.filtered(lambda line: line.reason == "no_origin"):
            invoice, credit_note = line.origin_invoice_id, line.move_id
            if not invoice or invoice == credit_note.reversed_entry_id:
                continue
            if (
                invoice.move_type != "out_invoice"
                or invoice.state != "posted"
                or invoice.company_id != credit_note.company_id
                or invoice.commercial_partner_id != credit_note.commercial_partner_id
                or (invoice.invoice_date or credit_note.invoice_date) > credit_note.invoice_date
            ):
                raise UserError(
                    _(
                        "%(invoice)s cannot be the invoice that credit note %(credit_note)s "
                        "corrects (field Corrected Invoice): choose a posted invoice of the "
                        "same customer (%(customer)s) and company, issued no later than the "
                        "credit note.",
                        invoice=invoice.display_name,
                        credit_note=credit_note.display_name,
                        customer=credit_note.commercial_partner_id.display_name,
                    )
                )
            credit_note.write({"reversed_entry_id": invoice.id})
            credit_note._billing_message_post(
                body=_(
                    "Recorded as correcting %(invoice)s, from the e-report %(report)s.",
                    invoice=invoice.display_name,
                    report=line.report_id.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
