# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import logging

from odoo import fields, models
from odoo.tools.pdf import DictionaryObject, NameObject, OdooPdfFileReader, OdooPdfFileWriter

_logger = logging.getLogger(__name__)
# Odoo's PDF/A conversion reads wkhtmltopdf's embedded font subsets with fontTools, which warns
# that their 'head' timestamps are zero: harmless, and not worth a warning per invoice
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    def _hook_invoice_document_after_pdf_report_render(self, invoice, invoice_data):
        # account_edi_ubl_cii: Odoo embeds the Factur-X XML, then makes the PDF a PDF/A-3 with
        # the Factur-X XMP metadata unless it takes the PDF for a PDF/A already. Its test (a
        # 6-byte binary comment on the PDF's second line) also matches the comment that PyPDF2
        # 2.x and wkhtmltopdf write in every PDF, so the conversion is skipped and the PDF is
        # not a valid Factur-X (PDF/A-3 + XMP). For French companies, complete what is missing.
        res = super()._hook_invoice_document_after_pdf_report_render(invoice, invoice_data)
        if (
            invoice_data.get("ubl_cii_xml_options", {}).get("ubl_cii_format") == "facturx"
            and invoice.company_id._fr_is_french()
        ):
            pdf_values = (
                invoice.invoice_pdf_report_id
                or invoice_data.get("pdf_attachment_values")
                or invoice_data["proforma_pdf_attachment_values"]
            )
            raw = self._fr_facturx_pdfa(invoice, pdf_values["raw"])
            if raw:
                pdf_values["raw"] = raw
        return res

    def _fr_facturx_pdfa(self, invoice, pdf):
        """The Factur-X PDF made PDF/A-3 with the Factur-X XMP metadata, or None when it has
        them already or carries no factur-x.xml (in tests Odoo stores the XML beside it)."""
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        root = reader.trailer["/Root"]
        metadata = root.get("/Metadata")
        if metadata is not None and b"factur-x" in metadata.getObject().get_data():
            return None
        if "factur-x.xml" not in [name for name, __ in reader.getAttachments()]:
            return None
        writer = OdooPdfFileWriter()
        writer.cloneReaderDocumentRoot(reader)
        if "/Outlines" not in writer._root_object:  # Odoo's conversion counts the outlines
            outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
            writer._root_object[NameObject("/Outlines")] = writer._addObject(outlines)
        try:
            writer.convert_to_pdfa()  # PDF 1.7 header, document id, output intent, font widths
        except (KeyError, TypeError, ValueError):
            # the conversion expects wkhtmltopdf's fonts on every page (a CGV page made
            # elsewhere may have none): the PDF keeps its content and gets the metadata
            writer = OdooPdfFileWriter()
            writer.cloneReaderDocumentRoot(reader)
        content = self.env["ir.qweb"]._render(
            "account_edi_ubl_cii.account_invoice_pdfa_3_facturx_metadata",
            {"title": invoice.name, "date": fields.Date.context_today(self)},
        )
        writer.add_file_metadata(content.encode())
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()
