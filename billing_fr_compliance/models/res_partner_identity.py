# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import identity
from .res_partner import IDENTITY_FIELDS


# one concern of res.partner per file (issue 23): the fields, their computes and the
# create/write overrides that call these methods are in models/res_partner.py
class ResPartner(models.Model):
    """French identifiers and phone numbers of partners: normalised, guessed,
    checked when they are written, filled at install, warned about on the form."""

    _inherit = "res.partner"

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
