# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import logging
import re

import facturx

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import OdooPdfFileReader

_logger = logging.getLogger(__name__)
# whether this process's wkhtmltopdf prints a batch of invoices (see _billing_pa_facturx_files)
_BATCH_PRINT = {}


def _embedded_facturx(pdf):
    """The factur-x.xml ``pdf`` carries, or None."""
    reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
    return dict(reader.getAttachments()).get("factur-x.xml")


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
    billing_pa_can_send = fields.Boolean(
        "Can Be Sent to the Platform",
        compute="_compute_billing_pa_can_send",
        help="A posted customer invoice or credit note of a French company with an active "
        "e-invoicing platform, not queued nor sent yet.",
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

    @api.depends("state", "move_type", "company_id", "billing_pa_send_state")
    def _compute_billing_pa_can_send(self):
        companies = self.filtered(lambda m: m.state == "posted").company_id
        with_platform = (
            self.env["billing.pa.platform"]
            .sudo()
            .search([("company_id", "in", companies.ids)])
            .company_id
            if companies
            else companies
        )
        for move in self:
            move.billing_pa_can_send = bool(
                move.id
                and move.company_id in with_platform
                and move._billing_pa_sendable()
                and move.billing_pa_send_state not in ("to_send", "sent")
            )

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
        # billing_fr_compliance (models/account_move_facturx_data.py): the buyer's
        # electronic address found in the PA directory (BT-49)
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
                "flow_syntax": "Factur-X",
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
        return "%s.pdf" % re.sub(r"[^\w-]+", "_", self.name)

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

    def _billing_pa_facturx_files(self):
        """The file of each document's invoice flow: its Factur-X PDF (EN16931), the one Send
        & Print makes and the customer receives.

        The XML is the one this addon builds and validates (XSD, EN16931 and BR-FR
        schematrons): a document whose XML is not valid gets no file, so nothing invalid
        leaves. The PDF is the invoice's own (``invoice_pdf_report_id``) when it was printed
        already; otherwise Odoo's Send & Print machinery makes it, without sending anything
        (one wkhtmltopdf call per company and batch), and it becomes the invoice's PDF. The
        flow gets that PDF when it carries our XML, else a copy with our XML embedded
        (factur-x library: PDF/A-3 and the Factur-X XMP).

        :return: {move: (pdf bytes or None, error code or None, messages)}; the code is
            ``FACTURX`` (the XML: a user must fix the invoice) or ``PDF`` (the PDF could not
            be made: retried).
        """
        results, xmls = {}, {}
        for move in self:
            xml, messages = move._fr_facturx_build()
            if messages:
                results[move] = (None, "FACTURX", messages)
            else:
                xmls[move] = xml
        to_print = self.browse([move.id for move in xmls if not move.invoice_pdf_report_id])
        for moves in to_print.grouped("company_id").values():
            # one wkhtmltopdf call for the batch, which a wkhtmltopdf without patched Qt
            # cannot make (Debian's: it exits with an empty PDF): then one by one, and so on
            # in this process once the one by one worked where the batch failed
            if len(moves) > 1 and _BATCH_PRINT.get("works", True):
                if moves._billing_pa_print() is None:
                    continue
            errors = {move: move._billing_pa_print() for move in moves}
            for move, error in errors.items():
                if error is not None:
                    results[move] = (None, "PDF", [error])
            if len(moves) > 1 and not any(errors.values()):
                _BATCH_PRINT["works"] = False
        for move, xml in xmls.items():
            if move in results:
                continue
            pdf = move.invoice_pdf_report_id.raw
            try:
                results[move] = (move._billing_pa_embed_facturx(pdf, xml), None, [])
            except Exception as error:  # not a PDF the libraries can read
                results[move] = (None, "PDF", [_("The invoice's PDF: %s", error)])
        return results

    def _billing_pa_print(self):
        """Make the PDF of the documents of ``self`` (one company) with Odoo's Send & Print
        machinery, sending nothing; it becomes each one's PDF. None when done, else the
        error (nothing is kept)."""
        try:
            with self.env.cr.savepoint():
                # a real PDF, never the HTML stand-in Odoo renders while it runs tests
                self.env["account.move.send"].with_company(self.company_id).with_context(
                    force_report_rendering=True
                )._generate_and_send_invoices(
                    self, allow_raising=False, sending_methods=[], invoice_edi_format="facturx"
                )
                if not all(self.mapped("invoice_pdf_report_id")):
                    raise UserError(_("Odoo made no PDF of %s.", ", ".join(self.mapped("name"))))
        except Exception as error:  # wkhtmltopdf, fonts, a report template, the split
            _logger.info("Invoice PDFs of %s not made: %s", ", ".join(self.mapped("name")), error)
            self.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
            return str(error)
        return None

    def _billing_pa_embed_facturx(self, pdf, xml):
        """``pdf`` when it carries ``xml`` as its factur-x.xml, else a Factur-X PDF of it with
        ``xml`` embedded (ValueError when ``pdf`` is not a PDF)."""
        self.ensure_one()
        if not pdf or not pdf.startswith(b"%PDF"):
            raise ValueError(_("no PDF of the invoice"))
        if _embedded_facturx(pdf) == xml:
            return pdf
        lang = (self.partner_id.lang or self.company_id.partner_id.lang or "fr_FR").replace(
            "_", "-"
        )
        pdf = facturx.generate_from_binary(
            pdf,
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,  # checked with the schematrons by _fr_facturx_build
            pdf_metadata={
                "author": self.company_id.name,
                "keywords": "Factur-X",
                "title": self.name,
                "subject": "%s %s" % (self._fr_type_label().capitalize(), self.name),
            },
            lang=lang,
        )
        if _embedded_facturx(pdf) != xml:
            raise ValueError(_("the Factur-X XML could not be embedded"))
        return pdf

    def action_billing_pa_send(self):
        # the flows are created under sudo(): only for invoices the user may change
        self.check_access("write")
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
                        "%(company)s has no e-invoicing platform: add one in %(menu)s.",
                        company=move.company_id.display_name,
                        menu=self.env["billing.pa.platform"]._billing_pa_menu_path(),
                    )
                )
            move._billing_pa_enqueue_invoices()
        return True
