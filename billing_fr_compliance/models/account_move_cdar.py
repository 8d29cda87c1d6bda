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
# splits sending, models/account_move_pa.py, from lifecycle statuses, this file, and the
# statuses we emit, models/account_move_cdar_out.py, issue 23)
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
