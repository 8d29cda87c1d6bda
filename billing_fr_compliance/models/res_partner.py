# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import identity, mentions

# identifiers checked when they are written (never when another field is)
IDENTITY_FIELDS = frozenset({"siren", "siret", "vat"})


class ResPartner(models.Model):
    _inherit = "res.partner"  # l10n_fr adds siret

    siren = fields.Char(
        string="SIREN",
        size=9,
        index="btree_not_null",
        help="French company identification number (9 digits). The number INSEE gives a "
        "French company when it is registered, shared by all its establishments: on the Kbis "
        "extract, on annuaire-entreprises.data.gouv.fr and in the first 9 digits of the SIRET. "
        "Invoices print the seller's SIREN and, for a French business customer, the "
        "customer's; posting is refused when it is missing or its check key is wrong. Taken "
        "from the SIRET or the French VAT number when left empty.",
    )
    billing_customer_type = fields.Selection(
        selection=[("b2b", "Business (B2B)"), ("b2c", "Private individual (B2C)")],
        string="Customer Type",
        compute="_compute_billing_customer_type",
        help="Derived: a company is a business customer, an individual a private one.",
    )
    billing_data_complete = fields.Boolean(
        string="Invoicing Data Complete",
        compute="_compute_billing_data_complete",
        search="_search_billing_data_complete",
        help="The partner has what a French invoice needs: address, and for French "
        "businesses the SIREN, for EU businesses the VAT number.",
    )
    billing_po_required = fields.Boolean(
        string="Purchase Order Required",
        help="The customer gives a purchase order number that its invoices must quote "
        "(Customer Reference of the invoice).",
    )
    billing_missing_data = fields.Char(
        string="Missing Invoicing Data", compute="_compute_billing_data_complete"
    )
    billing_fr_identity = fields.Boolean(
        string="French Identifiers Shown",
        compute="_compute_billing_fr_identity",
        help="A company in France (or without country, of a French company): its SIREN and "
        "SIRET are shown next to its VAT number.",
    )
    billing_vat_suggestion = fields.Char(
        string="Suggested VAT Number",
        compute="_compute_billing_vat_suggestion",
        help="The French VAT number computed from the SIREN of a French customer whose VAT "
        "number is foreign.",
    )
    billing_identity_warning = fields.Text(
        string="Identity Warnings",
        compute="_compute_billing_identity_warning",
        help="What to check on this customer before invoicing it: a phone number that could "
        "not be read, a foreign VAT number on a French customer.",
    )
    billing_phone_to_check = fields.Boolean(
        string="Phone to Check",
        compute="_compute_billing_phone_to_check",
        store=True,
        help="The phone or mobile number could not be read as a phone number of the "
        "partner's country: it is kept as typed, to be checked by someone.",
    )

    @api.depends("is_company", "commercial_partner_id.is_company")
    def _compute_billing_customer_type(self):
        for partner in self:
            commercial = partner.commercial_partner_id or partner
            partner.billing_customer_type = "b2b" if commercial.is_company else "b2c"

    @api.depends(
        "is_company",
        "street",
        "zip",
        "city",
        "country_id",
        "siren",
        "vat",
        "commercial_partner_id.siren",
        "commercial_partner_id.vat",
        "commercial_partner_id.is_company",
        "commercial_partner_id.country_id",
        "commercial_partner_id.street",
        "commercial_partner_id.zip",
        "commercial_partner_id.city",
        "commercial_partner_id.property_account_position_id",
    )
    def _compute_billing_data_complete(self):
        for partner in self:
            missing = partner._billing_missing_data()
            partner.billing_missing_data = ", ".join(missing)
            partner.billing_data_complete = not missing

    @api.depends("is_company", "country_id", "company_id")
    def _compute_billing_fr_identity(self):
        for partner in self:
            company = partner.company_id or self.env.company
            if partner.country_id:
                french = partner.country_id.code in company._fr_country_codes()
            else:
                french = company._fr_is_french()
            partner.billing_fr_identity = partner.is_company and french

    @api.depends("vat", "siren", "siret", "country_id", "is_company", "company_id")
    def _compute_billing_vat_suggestion(self):
        for partner in self:
            partner.billing_vat_suggestion = partner._billing_vat_suggestion()

    @api.depends("billing_phone_to_check", "phone", "mobile", "vat", "siren", "siret", "country_id")
    def _compute_billing_identity_warning(self):
        for partner in self:
            partner.billing_identity_warning = "\n".join(partner._billing_identity_warnings())

    @api.depends("phone", "mobile", "country_id", "company_id")
    def _compute_billing_phone_to_check(self):
        for partner in self:
            to_check = False
            if partner._billing_french_rules_apply():
                country_code = partner._billing_country_code({})
                to_check = any(
                    identity.normalize_phone(partner[fname], country_code)[1]
                    for fname in ("phone", "mobile")
                    if partner[fname]
                )
            partner.billing_phone_to_check = to_check

    def _search_billing_data_complete(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(_("Unsupported search on Invoicing Data Complete."))
        # the rule of tools/mentions.py missing_buyer_data as one domain on the commercial
        # partner: address, SIREN of a French business, VAT number of a business whose
        # fiscal position is intra-EU or reverse charge (a fiscal position Odoo picks by
        # itself for intra-EU requires a VAT number, so only one set on the partner can
        # lack it). A SIREN with a wrong check key is only seen on the form and by the gate.
        incomplete = [
            "|",
            "|",
            "|",
            "|",
            ("commercial_partner_id.street", "=", False),
            ("commercial_partner_id.zip", "=", False),
            ("commercial_partner_id.city", "=", False),
            ("commercial_partner_id.country_id", "=", False),
            "&",
            ("commercial_partner_id.is_company", "=", True),
            "|",
            "&",
            ("commercial_partner_id.country_id.code", "=", "FR"),
            ("commercial_partner_id.siren", "=", False),
            "&",
            (
                "commercial_partner_id.property_account_position_id.fr_vat_regime",
                "in",
                ["intra_eu", "reverse_charge"],
            ),
            ("commercial_partner_id.vat", "=", False),
        ]
        if (operator == "=") == value:
            return ["!", *incomplete]
        return incomplete

    @api.model
    def default_get(self, fields_list):
        """A new partner of a French company speaks French when French is installed (its
        invoices and e-mails are then printed in French), unless it is the contact of a
        partner (Odoo gives it that partner's language) or a language is asked for."""
        values = super().default_get(fields_list)
        if (
            "lang" in fields_list
            and "default_lang" not in self.env.context
            and not values.get("parent_id")
        ):
            company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
            french = (self.env.lang or "").startswith("fr_") and self.env.lang
            lang = french or self.env["res.lang"]._get_code("fr_FR")
            if lang and company._fr_is_french():
                values["lang"] = lang
        return values

    @api.model_create_multi
    def create(self, vals_list):
        # the identifiers given are checked; a SIREN guessed from them is not compared
        # with the partner's other, untouched identifiers
        given = [IDENTITY_FIELDS & set(vals) for vals in vals_list]
        for vals in vals_list:
            self._billing_prepare_vals(vals)
        partners = super().create(vals_list)
        for partner, fnames in zip(partners, given, strict=True):
            partner._check_billing_identity(fnames)
        return partners

    def write(self, vals):
        if {"phone", "mobile", *IDENTITY_FIELDS} & set(vals):
            given = IDENTITY_FIELDS & set(vals)
            for partner in self:
                partner_vals = dict(vals)
                partner._billing_prepare_vals(partner_vals)
                super(ResPartner, partner).write(partner_vals)
                partner._check_billing_identity(given)
            return True
        return super().write(vals)

    def _billing_missing_data(self):
        """Labels of what an invoice to this partner lacks: what the posting gate refuses
        (tools/mentions.py missing_buyer_data), for the VAT regime of the fiscal position its
        invoices get in the current company."""
        self.ensure_one()
        commercial = self.commercial_partner_id or self
        position = self.env["account.fiscal.position"]._get_fiscal_position(commercial)
        regime = position.fr_vat_regime or "standard"
        items = mentions.missing_buyer_data(
            commercial._fr_party_data(), commercial.billing_customer_type or "b2b", regime
        )
        labels = self.env["account.move"]._fr_mention_labels()
        return [labels.get(item["code"], item["code"]) for item in items]

    def _fr_party_data(self):
        """The partner as plain data for tools/mentions.py."""
        self.ensure_one()
        return {
            "name": self.name,
            "street": self.street,
            "zip": self.zip,
            "city": self.city,
            "country_code": self.country_id.code,
            "siren": self.siren,
            "vat": self.vat,
        }

    # Factur-X (kept at the end: see models/account_move_facturx.py)
    def _get_suggested_invoice_edi_format(self):
        # account_edi_ubl_cii: a French company that sends Factur-X to every customer (its
        # "Factur-X for All Customers" setting) suggests it whatever the customer's country;
        # the format set on a customer (Accounting tab, eInvoice format) still wins
        suggested = super()._get_suggested_invoice_edi_format()
        company = self.env.company
        if company.fr_facturx_enabled and company._fr_is_french():
            return "facturx"
        return suggested
