# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_EARLY_DISCOUNT = "Pas d'escompte pour paiement anticipé."


class ResCompany(models.Model):
    _inherit = "res.company"  # l10n_fr adds siret (related to the partner)

    siren = fields.Char(related="partner_id.siren", readonly=False)
    fr_rcs_kind = fields.Selection(
        selection=[("rcs", "RCS (company)"), ("rm", "RM (craftsman)"), ("none", "None")],
        string="Register",
        default="rcs",
        help="Register where the company is recorded: a commercial company in the Trade and "
        "Companies Register (RCS) of the commercial court of its head office, a craftsman in "
        "the Trades Register (RM, chambre de métiers), a sole trader not registered: None. "
        "Invoices print 'RCS <city> <SIREN>' or 'RM <city> <SIREN>', as on the Kbis extract.",
    )
    fr_rcs_city = fields.Char(
        string="Register City",
        help="City of the registry court where the company is registered, as on its Kbis "
        "extract: Lyon for 'RCS Lyon 123 456 789'. Printed after RCS or RM on every invoice "
        "and credit note; posting is refused without it when a register is chosen.",
    )
    fr_legal_form = fields.Char(
        string="Legal Form",
        help="Legal form of the company as in its articles and on its Kbis extract, in short: "
        "SAS, SASU, SARL, EURL, SA, SCI... or EI for a sole trader. Printed with the company "
        "name and share capital on invoices, credit notes and letters; posting is refused "
        "without it.",
    )
    fr_share_capital = fields.Monetary(
        string="Share Capital",
        currency_field="currency_id",
        help="Share capital written in the articles and on the Kbis extract. A French company "
        "prints it on its invoices ('SAS au capital de 10 000 €'); leave 0 for a sole trader, "
        "who has none.",
    )
    fr_vat_on_debits = fields.Boolean(
        string="VAT on Debits",
        help="The company opted for paying VAT on debits: invoices print 'Option pour le "
        "paiement de la taxe d'après les débits'.",
    )
    fr_penalty_rate = fields.Float(
        string="Late Penalty Rate (%)",
        digits=(5, 2),
        help="Annual rate of late-payment penalties printed on invoices. Leave 0 to use the "
        "legal default: the ECB main refinancing rate of the half-year plus 10 points. It "
        "cannot be below three times the legal interest rate.",
    )
    fr_early_discount_text = fields.Char(
        string="Early Payment Discount",
        default=lambda self: DEFAULT_EARLY_DISCOUNT,
        help="Wording printed on invoices about early-payment discounts.",
    )
    fr_cgv_text = fields.Html(
        string="General Terms of Sale", translate=True, sanitize_attributes=False
    )
    fr_cgv_pdf = fields.Binary(string="General Terms of Sale (PDF)", attachment=True)
    fr_cgv_pdf_name = fields.Char(string="General Terms of Sale File Name")
    fr_gate_mode = fields.Selection(
        selection=[("block", "Block posting"), ("warn", "Warn only"), ("off", "Off")],
        string="Compliance Check at Posting",
        default="block",
        required=True,
        help="What happens when a customer invoice or credit note lacks a mandatory mention.",
    )

    @api.constrains("fr_penalty_rate")
    def _check_fr_penalty_rate(self):
        for company in self:
            if not company.fr_penalty_rate:
                continue
            floor = company._fr_penalty_rate_floor(fields.Date.context_today(company))
            if company.fr_penalty_rate < floor:
                raise ValidationError(
                    _(
                        "%(company)s: the late penalty rate %(rate).2f %% is below the legal "
                        "minimum of %(floor).2f %% (three times the legal interest rate).",
                        company=company.name,
                        rate=company.fr_penalty_rate,
                        floor=floor,
                    )
                )

    def _fr_country_codes(self):
        """The countries French rules treat as France: l10n_fr's French codes (France and its
        overseas departments and territories) and Monaco, which shares French VAT."""
        return [*self._get_france_country_codes(), "MC"]

    def _fr_is_french(self):
        """French rules (legal snapshot, printed mentions, gate, Factur-X, CGV pages) apply to
        companies whose fiscal country is French (``_fr_country_codes``)."""
        self.ensure_one()
        return self.account_fiscal_country_id.code in self._fr_country_codes()

    def _fr_gate_applies(self):
        """The French mentions are checked for French companies (see ``_fr_is_french``),
        unless the gate is switched off."""
        self.ensure_one()
        return self.fr_gate_mode != "off" and self._fr_is_french()

    def _fr_penalty_rate_floor(self, date):
        """Three times the legal interest rate (professional creditors) in force on date."""
        return 3 * self.env["billing.fr.rate"]._get_rate("legal_pro", date)

    def _fr_penalty_rate_on(self, date):
        """The late penalty rate that applies to an invoice issued on ``date``."""
        self.ensure_one()
        if self.fr_penalty_rate:
            return self.fr_penalty_rate
        return self.env["billing.fr.rate"]._get_rate("ecb_refi", date) + 10.0

    def _fr_seller_data(self):
        """The seller as plain data for tools/mentions.py: its partner's data (name, address,
        SIREN and VAT are the company's) and the company's legal identity."""
        self.ensure_one()
        return {
            **self.partner_id._fr_party_data(),
            "rcs_kind": self.fr_rcs_kind,
            "rcs_city": self.fr_rcs_city,
            "legal_form": self.fr_legal_form,
            "share_capital": self.fr_share_capital,
        }

    # Factur-X (kept at the end: see models/account_move_facturx.py)
    fr_facturx_enabled = fields.Boolean(
        string="Factur-X for All Customers",
        default=True,
        help="Customers without an e-invoice format of their own get Factur-X EN16931 whatever "
        "their country. Off, Odoo suggests the format of the customer's country (Factur-X for "
        "French customers, XRechnung for German ones, Peppol BIS elsewhere in Europe, none "
        "outside). The format of a customer is set on its form (Accounting tab).",
    )
