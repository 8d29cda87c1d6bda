# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class ResPartner(models.Model):
    """Help of the legal identity fields that Odoo defines (SIRET by l10n_fr, VAT and phone
    by base): one paragraph each, in the user's language, shown by the ? of the field on the
    customer and company forms (the company's fields are related to its partner's) and
    listed on the help page of the French mentions (controllers/legal_help.py)."""

    _inherit = "res.partner"

    siret = fields.Char(
        help="14 digits identifying one establishment of a French company: its SIREN followed "
        "by a 5-digit establishment number (NIC). For the company, the SIRET of its head "
        "office; for a customer, the one of the establishment invoiced. On the Kbis extract "
        "or annuaire-entreprises.data.gouv.fr; its check key is verified. It gives the SIREN "
        "when that is empty and addresses e-invoices to the right establishment."
    )
    vat = fields.Char(
        help="Intra-EU VAT number. For a French company: FR, a 2-character key and the SIREN "
        "(13 characters in all). Invoices print the seller's number and the customer's when "
        "the customer is a business liable to VAT (always for a supply to another EU "
        "country). On the customer's own invoices or the EU's VIES site; for a French "
        "customer, a number is suggested from the SIREN."
    )
    phone = fields.Char(
        help="Phone number in its national form (01 23 45 67 89) or international form "
        "(+33 1 23 45 67 89); it is read with the partner's country and printed as the reader "
        "dials it. A number that cannot be read is flagged on the customer and kept as typed. "
        "Invoices print the company's; reminders give it to the customer to call back."
    )
