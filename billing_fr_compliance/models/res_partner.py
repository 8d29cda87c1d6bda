# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

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

    def _check_billing_identity(self, fnames):
        """Refuse invalid identifiers among ``fnames``, the fields just written: what a user
        or a script changes is checked, old values left untouched are not (years of partner
        data recorded before the addon must stay editable)."""
        for partner in self:
            errors = partner._billing_identity_errors(fnames)
            if errors:
                raise ValidationError("\n".join(errors))

    @api.onchange("vat", "siret")
    def _onchange_billing_fill_siren(self):
        for partner in self:
            if not partner.siren:
                partner.siren = partner._billing_guess_siren()

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

    @api.model
    def _billing_fill_missing_siren(self):
        """Fill the SIREN of partners that have none from their SIRET or French VAT number
        (set-based: one search, one write per distinct SIREN)."""
        partners = self.with_context(active_test=False).search(
            [
                ("siren", "=", False),
                "|",
                ("siret", "!=", False),
                ("vat", "=ilike", "FR%"),
            ]
        )
        by_siren = {}
        for partner in partners:
            siren = partner._billing_guess_siren()
            if siren and partner._billing_siren_consistent(siren):
                by_siren.setdefault(siren, self.browse())
                by_siren[siren] |= partner
        # one UPDATE per distinct SIREN, not an ORM write: an install leaves the partners'
        # write_date as it was (a sync tool reading it would see the history as modified)
        self.flush_model(["siren"])
        for siren, group in by_siren.items():
            self.env.cr.execute(
                SQL("UPDATE res_partner SET siren = %s WHERE id IN %s", siren, tuple(group.ids))
            )
            group.invalidate_recordset(["siren"])
            group.modified(["siren"])
        return partners

    @api.model
    def _billing_init_phone_to_check(self):
        """At install: "Phone to Check" of the partners with a phone or mobile number (as
        ``_compute_billing_phone_to_check`` computes it), stored with one UPDATE; the others
        keep the empty value the column was created with."""
        # fetched at once: the rules below read each partner alone (self[:1])
        partners = self.with_context(active_test=False).search_fetch(
            ["|", ("phone", "!=", False), ("mobile", "!=", False)],
            ["phone", "mobile", "country_id", "company_id"],
        )
        flagged = []
        for partner in partners:
            if partner._billing_french_rules_apply():
                country_code = partner._billing_country_code({})
                if any(
                    identity.normalize_phone(partner[fname], country_code)[1]
                    for fname in ("phone", "mobile")
                    if partner[fname]
                ):
                    flagged.append(partner.id)
        if flagged:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET billing_phone_to_check = TRUE WHERE id IN %s",
                    tuple(flagged),
                )
            )
            self.browse(flagged).invalidate_recordset(["billing_phone_to_check"])
        return self.browse(flagged)

    def _billing_siren_consistent(self, siren):
        """Whether ``siren`` is valid and agrees with the partner's SIRET and VAT number."""
        self.ensure_one()
        if identity.check_siren(siren)[1]:
            return False
        if self.siret and identity.check_siret(self.siret, siren)[1]:
            return False
        vat = identity.compact(self.vat)
        return not (vat.startswith("FR") and identity.check_vat(vat, siren)[1])

    def _billing_guess_siren(self):
        self.ensure_one()
        if self.siret and len(identity.compact(self.siret)) == 14:
            return identity.compact(self.siret)[:9]
        return identity.siren_from_vat(self.vat) or False

    def _billing_prepare_vals(self, vals):
        """Normalise identifiers and phone numbers in ``vals`` before they are written. A
        phone number that cannot be read is kept as typed (and flagged "Phone to Check"):
        phone numbers are normalised for French partners, or in a French company."""
        for fname in ("siren", "siret"):
            if vals.get(fname):
                vals[fname] = identity.compact(vals[fname])
        if not vals.get("siren") and "siren" not in vals and (vals.get("siret") or vals.get("vat")):
            siret = identity.compact(vals.get("siret") or "")
            guessed = siret[:9] if len(siret) == 14 else identity.siren_from_vat(vals.get("vat"))
            if guessed and not (self and self.siren):
                vals["siren"] = guessed
        if not (vals.get("phone") or vals.get("mobile")) or not self._billing_french_rules_apply(
            vals
        ):
            return
        country_code = self._billing_country_code(vals)
        for fname in ("phone", "mobile"):
            if vals.get(fname):
                number, error = identity.normalize_phone(vals[fname], country_code)
                if not error:
                    vals[fname] = number

    def _billing_country(self, vals):
        if "country_id" in vals:
            return self.env["res.country"].browse(vals["country_id"] or [])
        return self[:1].country_id

    def _billing_company(self, vals):
        if vals.get("company_id"):
            return self.env["res.company"].browse(vals["company_id"])
        return self[:1].company_id or self.env.company

    def _billing_french_rules_apply(self, vals=None):
        """French rules for this partner (or the partner ``vals`` create): it is French
        (l10n_fr's French country codes, or Monaco), or, from a French company, a partner of
        any country (its phone is read in its own country). Other partners of other
        companies are left as Odoo leaves them."""
        vals = vals or {}
        country = self._billing_country(vals)
        company = self._billing_company(vals)
        if country and country.code in company._fr_country_codes():
            return True
        return company._fr_is_french()

    def _billing_country_code(self, vals):
        country = self._billing_country(vals)
        if country:
            return country.code
        company = self._billing_company(vals)
        return company.account_fiscal_country_id.code or company.country_id.code or "FR"

    def _billing_identity_errors(self, fnames=IDENTITY_FIELDS):
        """Translated messages for each invalid identifier of this partner among ``fnames``
        (the fields just written). An identifier left untouched is only compared with a
        changed one when it is valid itself: old data is never what a write is refused for.
        VAT numbers of other countries are checked here for French partners only (Odoo's
        base_vat checks them for everyone else)."""
        self.ensure_one()
        name = self.display_name
        errors = []
        siren = self.siren
        if siren:
            siren, error = identity.check_siren(siren)
            if error:
                if "siren" in fnames:
                    errors.append(
                        _(
                            "%(partner)s: the SIREN %(value)s is not valid (9 digits with a "
                            "correct check key).",
                            partner=name,
                            value=self.siren,
                        )
                    )
                siren = None
        siren_changed = siren and "siren" in fnames
        if self.siret and ("siret" in fnames or siren_changed):
            __, error = identity.check_siret(self.siret, siren)
            if error == identity.SIRET_SIREN_MISMATCH:
                errors.append(
                    _(
                        "%(partner)s: the SIRET %(value)s does not start with the SIREN %(siren)s.",
                        partner=name,
                        value=self.siret,
                        siren=siren,
                    )
                )
            elif error and "siret" in fnames:
                errors.append(
                    _(
                        "%(partner)s: the SIRET %(value)s is not valid (14 digits with a "
                        "correct check key).",
                        partner=name,
                        value=self.siret,
                    )
                )
        vat = identity.compact(self.vat)
        if vat and ("vat" in fnames or siren_changed) and vat[:2] in identity.EU_VAT_PREFIXES:
            french = vat.startswith("FR") or self._billing_french_rules_apply()
            __, error = identity.check_vat(self.vat, siren) if french else (vat, None)
            if error == identity.VAT_SIREN_MISMATCH:
                errors.append(
                    _(
                        "%(partner)s: the VAT number %(value)s does not match the SIREN %(siren)s.",
                        partner=name,
                        value=self.vat,
                        siren=siren,
                    )
                )
            elif error and "vat" in fnames:
                errors.append(
                    _(
                        "%(partner)s: the VAT number %(value)s is not a valid intra-EU VAT number.",
                        partner=name,
                        value=self.vat,
                    )
                )
        return errors

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

    def _billing_vat_suggestion(self):
        """The French VAT number of a French business whose VAT number is foreign, computed
        from its SIREN (or its SIRET), else False."""
        self.ensure_one()
        vat = identity.compact(self.vat)
        if not (self.is_company and vat and vat[:2].isalpha() and not vat.startswith("FR")):
            return False
        company = self.company_id or self.env.company
        if self.country_id.code not in company._fr_country_codes():
            return False
        siren = self.siren or self._billing_guess_siren()
        if not siren or identity.check_siren(siren)[1]:
            return False
        return identity.vat_from_siren(siren)

    def _billing_identity_warnings(self):
        """Translated warnings shown on the partner form (nothing is refused for them)."""
        self.ensure_one()
        warnings = []
        if self.billing_phone_to_check:
            numbers = ", ".join(filter(None, [self.phone, self.mobile]))
            warnings.append(
                _(
                    "Phone to check: %(numbers)s could not be read as a phone number of "
                    "%(country)s. It is kept as typed.",
                    numbers=numbers,
                    country=self.country_id.name or _("the company's country"),
                )
            )
        vat = identity.compact(self.vat)
        company = self.company_id or self.env.company
        if (
            self.is_company
            and vat[:2].isalpha()
            and not vat.startswith("FR")
            and self.country_id.code in company._fr_country_codes()
        ):
            suggestion = self.billing_vat_suggestion
            if suggestion:
                warnings.append(
                    _(
                        "The VAT number %(vat)s is not French although %(partner)s is in "
                        "%(country)s: its French VAT number, computed from its SIREN, is "
                        "%(suggestion)s.",
                        vat=self.vat,
                        partner=self.name or "",
                        country=self.country_id.name,
                        suggestion=suggestion,
                    )
                )
            else:
                warnings.append(
                    _(
                        "The VAT number %(vat)s is not French although %(partner)s is in "
                        "%(country)s: enter its SIREN to get its French VAT number.",
                        vat=self.vat,
                        partner=self.name or "",
                        country=self.country_id.name,
                    )
                )
        return warnings

    def action_billing_use_vat_suggestion(self):
        """Button of the foreign VAT warning: replace the VAT number by the French one."""
        self.ensure_one()
        suggestion = self._billing_vat_suggestion()
        if not suggestion:
            raise ValidationError(
                _("%(partner)s: no French VAT number to suggest.", partner=self.display_name)
            )
        self.vat = suggestion
        return True

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

    # Factur-X (kept at the end: see the Factur-X section of models/account_move.py)
    def _get_suggested_invoice_edi_format(self):
        # account_edi_ubl_cii: a French company that sends Factur-X to every customer (its
        # "Factur-X for All Customers" setting) suggests it whatever the customer's country;
        # the format set on a customer (Accounting tab, eInvoice format) still wins
        suggested = super()._get_suggested_invoice_edi_format()
        company = self.env.company
        if company.fr_facturx_enabled and company._fr_is_french():
            return "facturx"
        return suggested
