# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"  # account_edi_ubl_cii: our Factur-X replaces Odoo's CII

    @api.model
    def _prepare_invoice_pdf_report(self, invoices_data):
        # the XML is embedded once, after the hooks of account_edi_ubl_cii (see below)
        return super(
            AccountMoveSend, self.with_context(fr_facturx_no_embed=True)
        )._prepare_invoice_pdf_report(invoices_data)

    @api.model
    def _hook_invoice_document_before_pdf_report_render(self, invoice, invoice_data):
        super()._hook_invoice_document_before_pdf_report_render(invoice, invoice_data)
        if not invoice._fr_facturx_enabled():
            return
        xml, messages = invoice._fr_facturx_build()
        if messages:
            # not sent as Factur-X: the user gets each broken rule and where to fix it
            errors = list((invoice_data.get("error") or {}).get("errors") or []) + messages
            invoice_data["error"] = {
                "error_title": _(
                    "%(name)s cannot be sent as Factur-X: fix the following and try again.",
                    name=invoice.display_name,
                ),
                "errors": errors,
            }
            invoice_data["error_but_continue"] = False
            return
        invoice_data["fr_facturx_xml"] = xml
        xml_values = invoice_data.get("ubl_cii_xml_attachment_values")
        if (
            xml_values
            and (invoice_data.get("ubl_cii_xml_options") or {}).get("ubl_cii_format") == "facturx"
        ):
            xml_values["raw"] = xml  # the separate XML file is ours too

    @api.model
    def _hook_invoice_document_after_pdf_report_render(self, invoice, invoice_data):
        super()._hook_invoice_document_after_pdf_report_render(invoice, invoice_data)
        xml = invoice_data.get("fr_facturx_xml")
        if not xml:
            return
        pdf_values = (
            invoice.invoice_pdf_report_id
            or invoice_data.get("pdf_attachment_values")
            or invoice_data.get("proforma_pdf_attachment_values")
        )
        if not pdf_values:
            return
        # replaces the factur-x.xml account_edi_ubl_cii embedded: exactly one, ours
        pdf_values["raw"] = self.env["ir.actions.report"]._fr_facturx_embed(pdf_values["raw"], xml)
