# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # extends account: a customer payment reconciled with an invoice whose VAT is due on
    # receipts is reported to the platform as a 212 Encaissée status
    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._billing_pa_payment_received()
        return partials

    def _billing_pa_payment_received(self):
        """Emit 212 Encaissée on each customer invoice (or credit note) a payment or a bank
        statement line was just reconciled with, for the amount of the reconciliation."""
        for partial in self:
            pairs = (
                (partial.debit_move_id, partial.credit_move_id),
                (partial.credit_move_id, partial.debit_move_id),
            )
            for invoice_line, counterpart in pairs:
                invoice = invoice_line.move_id
                if invoice.move_type not in ("out_invoice", "out_refund"):
                    continue
                payment = counterpart.move_id
                if not (payment.origin_payment_id or payment.statement_line_id):
                    continue
                invoice._billing_pa_emit_payment_received(partial.amount, partial=partial)

    def unlink(self):
        # a payment taken off an invoice it was reported on: 212 with the opposite amounts
        emitted = (
            self.env["billing.pa.status"]
            .sudo()
            .search(
                [
                    ("partial_reconcile_id", "in", self.ids),
                    ("direction", "=", "out"),
                    ("code", "=", "212"),
                ]
            )
        )
        for status in emitted:
            status.move_id._billing_pa_emit_payment_cancelled(status)
        return super().unlink()
