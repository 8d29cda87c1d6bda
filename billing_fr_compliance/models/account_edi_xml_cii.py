# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountEdiXmlCii(models.AbstractModel):
    _inherit = "account.edi.xml.cii"

    def _export_invoice(self, invoice):
        # account_edi_ubl_cii: the Factur-X of a French company's customer invoice or credit
        # note is our EN16931 XML, checked against the Factur-X XSD and the EN16931 and French
        # CTC (BR-FR) schematrons; each broken rule is returned as an error of this builder, in
        # French with where to fix it, so Send & Print stops on them as on Odoo's own errors
        if not invoice._fr_facturx_own_xml():
            return super()._export_invoice(invoice)
        return invoice._fr_facturx_build()
