# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
import base64
import datetime
import hashlib
import logging

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import cdar, safe_xml

_logger = logging.getLogger(__name__)

# platform statuses that stop dunning (billing_dunning reads billing_pa_status_code)
BLOCKING_STATUSES = ("207", "208", "210", "213")
# statuses received that ask the seller for something: shown at the top of the invoice
ALERT_STATUSES = ("207", "208", "210", "213", "221", "501")


# one file per concern of account.move for issue 13 (the contract between its two helpers
# splits sending, models/account_move_pa.py, from lifecycle statuses, this file)
class AccountMove(models.Model):
    """Lifecycle statuses (CDAR) of customer invoices sent through an approved platform."""

    _inherit = "account.move"

    billing_pa_status_ids = fields.One2many(
        "billing.pa.status", "move_id", string="Platform Statuses", readonly=True, copy=False
    )
    billing_pa_status_code = fields.Char(
        string="Platform Status Code",
        compute="_compute_billing_pa_status",
        store=True,
        index=True,
        copy=False,
        help="Code of the current lifecycle status of the invoice (XP Z12-012): the latest "
        "of the latest phase reached (transmission, processing, payment, end).",
    )
    billing_pa_status_date = fields.Datetime(
        string="Platform Status Date",
        compute="_compute_billing_pa_status",
        store=True,
        copy=False,
    )
    billing_pa_status_label = fields.Char(
        string="Platform Status",
        compute="_compute_billing_pa_status_label",
        help="The latest lifecycle status of the invoice, received from the platform or "
        "emitted by us.",
    )

    billing_pa_status_alert = fields.Text(
        string="Platform Status Alert",
        compute="_compute_billing_pa_status_label",
        help="Shown at the top of the invoice while its latest platform status asks for "
        "something: disputed, suspended, refused, rejected, inadmissible, routing error.",
    )

    @api.depends("billing_pa_status_ids.code", "billing_pa_status_ids.date")
    def _compute_billing_pa_status(self):
        # the lifecycle's phases decide, not the latest date (tools/cdar.py PHASE_RANK)
        for move in self:
            current = move._billing_pa_current_status()
            move.billing_pa_status_code = current.code or False
            move.billing_pa_status_date = current.date or False

    def _billing_pa_current_status(self):
        """The invoice's current lifecycle status (billing.pa.status, maybe empty): the
        latest of the latest phase reached, see ``tools.cdar.current_status``."""
        self.ensure_one()
        statuses = self.billing_pa_status_ids
        current = cdar.current_status(
            {
                "code": status.code,
                "date": status.date or datetime.datetime.min,
                "id": status.id or 0,
                "record": status,
            }
            for status in statuses
        )
        return current["record"] if current else statuses.browse()

    @api.depends("billing_pa_status_code", "billing_pa_status_ids")
    @api.depends_context("lang")
    def _compute_billing_pa_status_label(self):
        labels = self.env["billing.pa.status"]._billing_pa_status_labels()
        for move in self:
            code = move.billing_pa_status_code
            move.billing_pa_status_alert = False
            if not code:
                move.billing_pa_status_label = False
                continue
            latest = move._billing_pa_current_status()
            label = labels.get(code) or latest.label
            move.billing_pa_status_label = f"{code} {label}"
            if code in ALERT_STATUSES and latest.direction == "in":
                lines = [
                    _(
                        "The e-invoicing platform reports %(status)s.",
                        status=move.billing_pa_status_label,
                    )
                ]
                move.billing_pa_status_alert = "\n".join(lines + latest._billing_pa_explanation())

    # ------------------------------------------------------------------
    # Lifecycle in
    # ------------------------------------------------------------------

    @api.model
    def _billing_pa_record_cdar(self, xml_bytes, platform=None, flow_id=None):
        """Record the lifecycle statuses a CDAR carries on the invoices it is about and return
        them (billing.pa.status). Public API for the platform poller.

        The invoice is found by number, seller SIREN and issue date among the posted customer
        invoices and credit notes of the platform's company (of the user's companies without a
        platform). The message is validated against the XSD and the BR-FR-CDV schematron; what
        they find is kept on the status, which is recorded all the same (it is the platform's
        word on the invoice). A status code the addon does not know is kept as it came. The
        same message twice records nothing new. Raise UserError when the bytes are not a CDAR.
        """
        if isinstance(xml_bytes, str):
            xml_bytes = xml_bytes.encode("utf-8")
        if safe_xml.has_doctype(xml_bytes):
            # entities and DTDs could read the server's files: refused before anything
            raise UserError(
                _(
                    "The lifecycle message %(flow)s from the platform declares a DOCTYPE "
                    "(entities or a DTD): it is refused and was not read.",
                    flow=flow_id or "",
                )
            )
        try:
            parsed = cdar.parse(xml_bytes)
        except cdar.CdarError as error:
            raise UserError(
                _(
                    "The lifecycle message %(flow)s from the platform could not be read: %(error)s",
                    flow=flow_id or "",
                    error=error,
                )
            ) from error
        fired = cdar.check(xml_bytes)
        validation = "\n".join(f"{item['rule']}: {item['text']}" for item in fired)
        companies = platform.company_id if platform else self.env.companies
        xml_sha = hashlib.sha256(xml_bytes).hexdigest()
        Status = self.env["billing.pa.status"]
        recorded = Status.browse()
        for data in cdar.statuses(parsed):
            move = self._billing_pa_find_invoice(data, companies)
            company = move.company_id or companies[:1]
            key = Status._billing_pa_key(data, xml_sha)
            if Status.sudo().search_count(
                [("company_id", "=", company.id), ("cdar_key", "=", key)]
            ):
                continue
            status = Status.sudo().create(
                {
                    "move_id": move.id,
                    "company_id": company.id,
                    "code": data["code"] or "?",
                    "cdar_label": data["cdar_label"],
                    "date": data["date"] or fields.Datetime.now(),
                    "direction": "in",
                    "reason_code": data["reason_code"],
                    "reason": data["reason"],
                    "action_code": data["action_code"],
                    "action": data["action"],
                    "emitter_role": data["emitter_role"],
                    "emitter_name": data["emitter_name"],
                    "emitter_identifier": data["emitter_id"],
                    "invoice_number": data["invoice_number"],
                    "invoice_date": data["invoice_date"],
                    "seller_siren": data["seller_siren"],
                    "amounts": data["amounts"] or False,
                    "platform_flow_id": flow_id or False,
                    "cdar_document_id": data["document_id"],
                    "cdar_key": key,
                    "validation_errors": validation or False,
                }
            )
            status.attachment_id = self._billing_pa_cdar_attachment(status, xml_bytes)
            if move:
                move._billing_pa_post_status(status)
            else:
                _logger.info(
                    "Lifecycle status %s for invoice %s (seller %s): no such posted invoice in %s",
                    data["code"],
                    data["invoice_number"],
                    data["seller_siren"],
                    company.name,
                )
            recorded |= status
        return recorded.with_env(self.env)

    @api.model
    def _billing_pa_find_invoice(self, data, companies):
        """The posted customer invoice or credit note a status is about, or an empty recordset."""
        if not data.get("invoice_number"):
            return self.browse()
        domain = [
            ("name", "=", data["invoice_number"]),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("company_id", "in", companies.ids),
        ]
        if data.get("invoice_date"):
            domain.append(("invoice_date", "=", data["invoice_date"]))
        moves = self.sudo().search(domain)
        if data.get("seller_siren"):
            moves = moves.filtered(
                lambda m: (m.company_id.siren or "") in ("", data["seller_siren"])
            )
        return moves[:1]

    @api.model
    def _billing_pa_cdar_attachment(self, status, xml_bytes):
        name = "CDAR-{}-{}-{}.xml".format(
            status.code,
            (status.invoice_number or "").replace("/", "_"),
            fields.Datetime.to_datetime(status.date).strftime("%Y%m%d%H%M%S"),
        )
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(xml_bytes),
                    "mimetype": "application/xml",
                    "res_model": "account.move" if status.move_id else "billing.pa.status",
                    "res_id": status.move_id.id or status.id,
                    "company_id": status.company_id.id,
                }
            )
        )

    def _billing_pa_post_status(self, status):
        """One chatter message per status: code, label, who set it, why, what is asked."""
        self.ensure_one()
        if status.direction == "in":
            title = _("Platform status: %(status)s", status=status.display_name)
        else:
            title = _("Status sent to the platform: %(status)s", status=status.display_name)
        lines = [Markup("<strong>%s</strong>") % title]
        if status.emitter_role_label or status.emitter_name:
            lines.append(
                escape(
                    _(
                        "Set by: %(role)s %(name)s",
                        role=status.emitter_role_label or "",
                        name=status.emitter_name or "",
                    )
                )
            )
        if status.reason_code or status.reason:
            lines.append(
                escape(
                    _(
                        "Reason: %(code)s %(reason)s",
                        code=status.reason_code or "",
                        reason=status.reason or "",
                    )
                )
            )
        if status.action_code or status.action:
            lines.append(
                escape(
                    _(
                        "Requested action: %(code)s %(action)s",
                        code=status.action_code or "",
                        action=status.action or "",
                    )
                )
            )
        if status.amounts_text:
            lines.append(
                escape(_("Amounts per VAT rate: %(amounts)s", amounts=status.amounts_text))
            )
        if status.validation_errors:
            lines.append(
                escape(
                    _(
                        "The message breaks the French rules (recorded all the same): %(errors)s",
                        errors=status.validation_errors,
                    )
                )
            )
        self.sudo()._billing_message_post(
            body=Markup("<br/>").join(lines),
            attachment_ids=status.attachment_id.ids,
            subtype_xmlid="mail.mt_note",
        )

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
