# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

import facturx

from odoo import models
from odoo.tools.pdf import OdooPdfFileReader, OdooPdfFileWriter, merge_pdf


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"  # account: the invoice PDF carries our Factur-X XML

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        if not res_ids:
            return streams
        report = self._get_report(report_ref)
        if report.model != "account.move" or not report.is_invoice_report:
            return streams
        moves = self.env["account.move"].browse(list(streams)).exists()
        # a PDF reloaded from its stored attachment already carries its CGV and XML
        moves = moves.filtered(
            lambda m: not streams[m.id].get("attachment") and streams[m.id].get("stream")
        )
        for move in moves:
            cgv = move._fr_cgv_pdf()
            if cgv:  # the company's general terms of sale follow the document
                stream = streams[move.id]
                stream["stream"] = io.BytesIO(merge_pdf([stream["stream"].getvalue(), cgv]))
        if self.env.context.get("fr_facturx_no_embed"):
            return streams
        if (data or {}).get("proforma") or self.env.context.get("proforma_invoice"):
            return streams
        for move in moves:
            stream = streams[move.id]
            if not move._fr_facturx_enabled():
                continue
            xml, messages = move._fr_facturx_build()
            if messages:
                continue  # a plain PDF: the status on the invoice lists what to fix
            stream["stream"] = io.BytesIO(self._fr_facturx_embed(stream["stream"].getvalue(), xml))
        return streams

    def _fr_facturx_embed(self, pdf, xml):
        """Return ``pdf`` with ``xml`` as its only ``factur-x.xml`` and the PDF/A-3 Factur-X
        metadata (any XML embedded before, e.g. Odoo's own CII, is replaced)."""
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        if not writer.is_pdfa:
            try:
                writer.convert_to_pdfa()  # output intent, document id, font widths of PDF/A
            except (KeyError, TypeError, ValueError):
                # Odoo's conversion expects a wkhtmltopdf PDF (fonts, outlines); any other PDF
                # gets the Factur-X XML and metadata without it
                writer = OdooPdfFileWriter()
                writer.cloneReaderDocumentRoot(reader)
        buffer = io.BytesIO()
        writer.write(buffer)
        return facturx.generate_from_binary(
            buffer.getvalue(),
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,
            lang="fr-FR",
        )
