# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError


# one file per concern of issue 13 (sending here, lifecycle statuses beside it)
# pylint: disable=consider-merging-classes-inherited
class AccountMove(models.Model):
    _inherit = "account.move"

    billing_pa_flow_ids = fields.One2many("billing.pa.flow", "move_id", readonly=True)
    billing_pa_send_state = fields.Selection(
        [("to_send", "To send"), ("sent", "Sent"), ("error", "Error")],
        "Platform sending",
        compute="_compute_billing_pa_send_state",
        store=True,
        copy=False,
    )
    billing_pa_flow_id = fields.Many2one(
        "billing.pa.flow", "Platform flow", compute="_compute_billing_pa_send_state", store=True
    )
    billing_pa_platform_flow_id = fields.Char(
        "Platform flow ID", related="billing_pa_flow_id.platform_flow_id"
    )
    billing_pa_error = fields.Text(
        "Platform error", compute="_compute_billing_pa_error", help="What the platform said."
    )

    @api.depends("billing_pa_flow_ids.state", "billing_pa_flow_ids.flow_type")
    def _compute_billing_pa_send_state(self):
        for move in self:
            flows = move.billing_pa_flow_ids.filtered(lambda f: f.flow_type == "invoice")
            last = flows.sorted("id")[-1:] if flows else flows
            move.billing_pa_flow_id = last
            move.billing_pa_send_state = last.state if last else False

    @api.depends("billing_pa_flow_id.error_code", "billing_pa_flow_id.error_message")
    def _compute_billing_pa_error(self):
        for move in self:
            flow = move.billing_pa_flow_id
            if not flow.error_code:
                move.billing_pa_error = False
                continue
            if flow.state == "error":
                fix = _(
                    "The platform refused this invoice. Correct what its message names (the "
                    "customer's identifiers, the invoice data), check the Factur-X, then click "
                    "Send to platform again."
                )
            else:
                fix = _("Temporary failure: it is retried automatically.")
            move.billing_pa_error = "%s %s\n%s" % (flow.error_code, flow.error_message or "", fix)

    def _post(self, soft=True):
        self._billing_pa_check_public_buyer()
        posted = super()._post(soft=soft)
        posted._billing_pa_enqueue_invoices()
        return posted

    def _billing_pa_check_public_buyer(self):
        """A public-sector buyer found in the directory tells what its invoices need: a
        service code (a routing code in its address) and/or its commitment number (the
        customer reference, BT-13). Checked at posting; nothing is posted otherwise."""
        problems = []
        for move in self:
            partner = move.commercial_partner_id
            if not (
                move.move_type in ("out_invoice", "out_refund")
                and partner.billing_pa_public
                and move.company_id._fr_is_french()
            ):
                continue
            if partner.billing_pa_requires_service_code and not partner.billing_pa_routing_code:
                problems.append(
                    _(
                        "%(move)s: %(partner)s is a public-sector buyer that requires a "
                        "service code: fill in its Routing code (Look up in directory).",
                        move=move.display_name,
                        partner=partner.display_name,
                    )
                )
            if partner.billing_pa_requires_commitment and not move.ref:
                problems.append(
                    _(
                        "%(move)s: %(partner)s is a public-sector buyer that requires its "
                        "commitment number: fill in the Customer Reference.",
                        move=move.display_name,
                        partner=partner.display_name,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    def _fr_facturx_party(self, partner):
        # billing_fr_compliance (models/account_move.py): the buyer's electronic address
        # found in the PA directory (BT-49)
        data = super()._fr_facturx_party(partner)
        if partner.billing_pa_address and data.get("siren"):
            data["einvoicing_address"] = partner.billing_pa_address
        return data

    def _billing_pa_sendable(self):
        self.ensure_one()
        return (
            self.state == "posted"
            and self.move_type in ("out_invoice", "out_refund")
            and self.company_id._fr_is_french()
        )

    def _billing_pa_enqueue_invoices(self):
        """One invoice flow per posted document of a company with a platform, created in
        one batch; the file is built when the flow is sent."""
        moves = self.filtered(lambda m: m._billing_pa_sendable())
        if not moves:
            return
        platforms = {
            platform.company_id: platform
            for platform in self.env["billing.pa.platform"]
            .sudo()
            .search([("company_id", "in", moves.company_id.ids)])
        }
        vals_list = [
            {
                "platform_id": platforms[move.company_id].id,
                "company_id": move.company_id.id,
                "move_id": move.id,
                "flow_type": "invoice",
                "file_name": move._billing_pa_file_name(),
                "flow_syntax": "CII",
                "processing_rule": move._billing_pa_processing_rule(),
                "flow_profile": "CIUS",
            }
            for move in moves
            if move.company_id in platforms
        ]
        if vals_list:
            self.env["billing.pa.flow"].sudo().create(vals_list)
            self.env.ref("billing_fr_compliance.ir_cron_billing_pa_send").sudo()._trigger()

    def _billing_pa_file_name(self):
        return "%s.xml" % re.sub(r"[^\w-]+", "_", self.name)

    def _billing_pa_processing_rule(self):
        """B2B (French business customer), B2BInt (foreign business), B2C (a person),
        OutOfScope (every line out of the scope of French VAT)."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if lines and all(getattr(line, "billing_vat_out_of_scope", False) for line in lines):
            return "OutOfScope"
        partner = self.commercial_partner_id
        if not partner.is_company:
            return "B2C"
        if partner.country_id.code in self.company_id._fr_country_codes():
            return "B2B"
        return "B2BInt"

    def _billing_pa_invoice_content(self, flow):
        """The file of an invoice flow: the EN16931 CII XML this addon builds and validates
        (XSD, EN16931 and BR-FR schematrons). None when it is not valid: the flow is put in
        error with the messages, so nothing invalid leaves."""
        self.ensure_one()
        xml, messages = self._fr_facturx_build()
        if messages:
            flow.write(
                {
                    "state": "error",
                    "error_code": "FACTURX",
                    "error_message": "\n".join(messages),
                }
            )
            return None
        return xml

    def action_billing_pa_send(self):
        for move in self:
            if not move._billing_pa_sendable():
                raise UserError(
                    _(
                        "%(name)s: only a posted customer invoice or credit note of a French "
                        "company is sent to the platform.",
                        name=move.display_name,
                    )
                )
            if move.billing_pa_send_state in ("to_send", "sent"):
                continue
            if not self.env["billing.pa.platform"].sudo()._billing_pa_for_company(move.company_id):
                raise UserError(
                    _(
                        "%(company)s has no e-invoicing platform: add one in Accounting > "
                        "Configuration > E-invoicing platforms.",
                        company=move.company_id.display_name,
                    )
                )
            move._billing_pa_enqueue_invoices()
        return True
