# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
import hashlib

from markupsafe import escape

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools import cdar


# one concern of account.move per file (issue 23): the lifecycle statuses received,
# and their fields, are in models/account_move_cdar.py
class AccountMove(models.Model):
    """Lifecycle statuses (CDAR) the seller emits on its customer invoices sent through
    an approved platform (212 Encaissée, answers to the buyer)."""

    _inherit = "account.move"

    # ------------------------------------------------------------------
    # Lifecycle out: the seller's own statuses
    # ------------------------------------------------------------------

    def _billing_pa_can_emit(self):
        """Customer invoices and credit notes of a French company, posted, to a French
        professional customer with a SIREN, that went through a platform (they have an
        invoice flow, to send or sent): the invoices exchanged through a platform."""
        self.ensure_one()
        return (
            self.state == "posted"
            and self.move_type in ("out_invoice", "out_refund")
            and self.company_id._fr_is_french()
            and bool(self.company_id.siren)
            and bool(self.commercial_partner_id.siren)
            and self.billing_pa_send_state in ("to_send", "sent")
        )

    def _billing_pa_vat_on_receipts_lines(self):
        """Invoice lines whose VAT is due on receipts (CGI 269-2): services (a line without
        product counts as a service) of a company that did not opt for paying VAT on debits,
        and the down payments of a down payment invoice (386) on goods, whose VAT is due when
        the down payment is received; taxed at a positive rate."""
        self.ensure_one()
        debits = self.company_id.fr_vat_on_debits
        down_payment = self._fr_facturx_is_down_payment()

        def on_receipts(line):
            goods = self._billing_pa_line_is_goods(line)
            return (down_payment and goods) or (not goods and not debits)

        return self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
            and any(t.amount_type == "percent" and t.amount > 0 for t in line.tax_ids)
            and on_receipts(line)
        )

    def _billing_pa_line_is_goods(self, line):
        """A line sells goods: a goods product, or a down payment on an order of goods."""
        down = self._fr_facturx_down_payment_lines() & line
        if down:
            ordered = down.sale_line_ids.order_id.order_line.filtered(
                lambda sol: not sol.is_downpayment and not sol.display_type
            )
            return any(sol.product_id.type == "consu" for sol in ordered)
        return (line.product_id.type or "service") == "consu"

    def _billing_pa_received_amounts(self, paid):
        """The 212 amounts of a payment of ``paid`` (company currency, signed): per VAT rate,
        tax included, the share of the lines whose VAT is due on receipts."""
        self.ensure_one()
        sign = -1 if self.move_type == "out_refund" else 1
        # line totals and invoice total in the invoice's currency: the ratio converts
        lines = [
            {
                "rate": max(t.amount for t in line.tax_ids if t.amount_type == "percent"),
                "total": abs(line.price_total),
            }
            for line in self._billing_pa_vat_on_receipts_lines()
        ]
        currency = self.company_currency_id
        return [
            dict(item, currency=currency.name)
            for item in cdar.received_per_rate(lines, abs(self.amount_total), sign * paid)
        ]

    def _billing_pa_buyer_address(self):
        """The buyer's electronic address (MDT-73, scheme 0225): its SIREN."""
        self.ensure_one()
        return self.commercial_partner_id.siren

    def _billing_pa_cdar_data(self, code, **values):
        """Plain data of a CDAR we emit about this invoice (see tools/cdar.build)."""
        self.ensure_one()
        now = fields.Datetime.now()
        company = self.company_id
        buyer = self.commercial_partner_id
        recipients = [
            {
                "ids": {"0002": buyer.siren},
                "name": buyer.name,
                "role": "BY",
                "uri": self._billing_pa_buyer_address(),
                "uri_scheme": "0225",
            }
        ]
        if code in cdar.MANDATORY:
            recipients.append(cdar.PPF)
        sequence = len(self.billing_pa_status_ids) + 1
        data = {
            "document_id": f"{self.name}_{code}_{now:%Y%m%d%H%M%S}_{sequence}",
            "issue_datetime": now,
            "status_datetime": now,
            "sender_role": "SE",
            "issuer": {"ids": {"0002": company.siren}, "name": company.name, "role": "SE"},
            "recipients": recipients,
            "invoice_number": self.name,
            "invoice_type": self._fr_facturx_type_code(),
            "invoice_date": self.invoice_date,
            "seller_siren": company.siren,
            "code": code,
        }
        data.update(values)
        return data

    def _billing_pa_emit_status(self, code, **values):
        """Build our CDAR of status ``code`` on this invoice, validate it (XSD and BR-FR-CDV:
        zero fired rules) and keep it as an emitted status with its file, queued for the
        platform when the sending queue is installed. Raise UserError, writing nothing, when
        the CDAR breaks a rule."""
        self.ensure_one()
        data = self._billing_pa_cdar_data(code, **values)
        xml = cdar.build(data)
        fired = cdar.check(xml)
        if fired:
            raise UserError(
                _(
                    "The lifecycle status %(code)s of invoice %(invoice)s was not sent: it "
                    "breaks the French rules (%(rules)s). %(details)s",
                    code=code,
                    invoice=self.display_name,
                    rules=", ".join(sorted(cdar.rule_ids(fired))),
                    details=" ".join(item["text"] for item in fired)[:1500],
                )
            )
        status_data = cdar.statuses(cdar.parse(xml))[0]
        Status = self.env["billing.pa.status"].sudo()
        status = Status.create(
            {
                "move_id": self.id,
                "company_id": self.company_id.id,
                "code": code,
                "cdar_label": status_data["cdar_label"],
                "date": data["status_datetime"],
                "direction": "out",
                "reason_code": status_data["reason_code"],
                "reason": status_data["reason"] or data.get("note") or False,
                "action_code": status_data["action_code"],
                "action": status_data["action"],
                "emitter_role": "SE",
                "emitter_name": self.company_id.name,
                "emitter_identifier": self.company_id.siren,
                "invoice_number": self.name,
                "invoice_date": self.invoice_date,
                "seller_siren": self.company_id.siren,
                "amounts": status_data["amounts"] or False,
                "cdar_document_id": data["document_id"],
                "cdar_key": Status._billing_pa_key(status_data, hashlib.sha256(xml).hexdigest()),
                "send_state": "waiting",
            }
        )
        status.attachment_id = self._billing_pa_cdar_attachment(status, xml)
        self._billing_pa_post_status(status)
        status._billing_pa_enqueue_waiting()
        return status

    def _billing_pa_emit_payment_cancelled(self, status):
        """212 Encaissée with the opposite amounts of ``status`` (a 212 we emitted), when
        its payment is taken off the invoice (payment reset to draft, unreconciled)."""
        self.ensure_one()
        amounts = [dict(item, amount=-item["amount"]) for item in status.amounts or []]
        if not amounts or not self._billing_pa_can_emit():
            return self.env["billing.pa.status"]
        return self._billing_pa_emit_safely(
            "212",
            amounts=amounts,
            note=_("Payment cancelled: %(amounts)s", amounts=status.amounts_text),
        )

    def _billing_pa_emit_safely(self, code, **values):
        """Emit a status without ever blocking the caller (a reconciliation): a status that
        cannot be built is reported in the chatter instead."""
        try:
            with self.env.cr.savepoint():
                return self._billing_pa_emit_status(code, **values)
        except UserError as error:
            self.sudo()._billing_message_post(
                body=escape(error.args[0]), subtype_xmlid="mail.mt_note"
            )
            return self.env["billing.pa.status"]

    def _billing_pa_emit_payment_received(self, paid, partial=None):
        """212 Encaissée for a payment of ``paid`` (company currency) reconciled with this
        invoice, when part of its VAT is due on receipts. Never blocks the reconciliation:
        a status that cannot be built is reported in the chatter instead."""
        self.ensure_one()
        if not self._billing_pa_can_emit():
            return self.env["billing.pa.status"]
        amounts = self._billing_pa_received_amounts(paid)
        if not amounts:
            return self.env["billing.pa.status"]
        status = self._billing_pa_emit_safely("212", amounts=amounts)
        if partial:
            status.partial_reconcile_id = partial
        return status

    def action_billing_pa_answer(self):
        """Open the answer to the buyer's latest status (207 En litige, 208 Suspendue)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Answer the Platform Status"),
            "res_model": "billing.pa.status.answer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }
