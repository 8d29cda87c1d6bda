# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import subprocess
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin


@tagged("post_install", "-at_install")
class TestIdentity(AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = cls.env.ref("base.fr")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bâtiments Martin", "is_company": True, "country_id": cls.fr.id}
        )

    def test_partner_form_fills_siren_from_siret(self):
        with Form(self.env["res.partner"]) as form:
            form.company_type = "company"
            form.name = "Logistique Bernard"
            form.country_id = self.fr
            form.siret = "40348302700013"
        partner = form.record
        self.assertEqual(partner.siren, "403483027")
        self.assertEqual(partner.billing_customer_type, "b2b")

    def test_siren_filled_from_french_vat(self):
        partner = self.env["res.partner"].create(
            {"name": "Vat Only", "is_company": True, "vat": "FR03 552 081 317"}
        )
        self.assertEqual(partner.siren, "552081317")

    def test_invalid_identifiers_are_refused_and_named(self):
        cases = [
            ({"siren": "552081318"}, "SIREN 552081318"),
            ({"siren": "552081317", "siret": "40348302700013"}, "does not start with the SIREN"),
            ({"siret": "55208131700019"}, "SIRET 55208131700019"),
            ({"siren": "552081317", "vat": "FR61403483027"}, "does not match the SIREN"),
            ({"vat": "FR00552081317"}, "FR00552081317"),
            ({"vat": "DE123456789"}, "DE123456789"),
        ]
        for vals, expected in cases:
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as error:
                    with self.env.cr.savepoint():
                        self.customer.write(vals)
                self.assertIn("Bâtiments Martin", str(error.exception))
                self.assertIn(expected, str(error.exception))
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.siren)
        self.assertFalse(self.customer.vat)

    def test_install_fills_missing_siren(self):
        """What the post-install hook does for customers recorded before the addon."""
        from_vat = self.env["res.partner"].create({"name": "From VAT", "is_company": True})
        from_siret = self.env["res.partner"].create({"name": "From SIRET", "is_company": True})
        mismatch = self.env["res.partner"].create({"name": "Mismatch", "is_company": True})
        # stored as another module (or an import) would have left them: no SIREN
        self.env.cr.execute(
            "UPDATE res_partner SET vat = %s, siren = NULL WHERE id = %s",
            ("FR03552081317", from_vat.id),
        )
        self.env.cr.execute(
            "UPDATE res_partner SET siret = %s, siren = NULL WHERE id = %s",
            ("40348302700013", from_siret.id),
        )
        self.env.cr.execute(
            "UPDATE res_partner SET siret = %s, vat = %s, siren = NULL WHERE id = %s",
            ("40348302700013", "FR03552081317", mismatch.id),
        )
        self.env.invalidate_all()
        self.env["res.partner"]._billing_fill_missing_siren()
        self.assertEqual(from_vat.siren, "552081317")
        self.assertEqual(from_siret.siren, "403483027")
        self.assertFalse(mismatch.siren, "SIRET and VAT disagree: left for a human")

    def test_valid_identifiers_are_normalised(self):
        self.customer.write({"siret": "552 081 317 00018", "vat": "FR03552081317"})
        self.assertEqual(self.customer.siret, "55208131700018")
        self.assertEqual(self.customer.siren, "552081317")

    def test_phone_normalised_with_partner_country(self):
        self.customer.write({"phone": "01 42 00 00 00", "mobile": "06 12 34 56 78"})
        self.assertEqual(self.customer.phone, "+33142000000")
        self.assertEqual(self.customer.mobile, "+33612345678")
        self.assertFalse(self.customer.billing_phone_to_check)
        german = self.env["res.partner"].create(
            {"name": "Müller", "country_id": self.env.ref("base.de").id, "phone": "0711 123456"}
        )
        self.assertEqual(german.phone, "+49711123456")

    def test_completeness_indicator_and_filter(self):
        self.customer.customer_rank = 1
        self.assertFalse(self.customer.billing_data_complete)
        self.assertIn("SIREN", self.customer.billing_missing_data)
        incomplete = self.env["res.partner"].search([("billing_data_complete", "=", False)])
        self.assertIn(self.customer, incomplete)
        self.customer.write(
            {
                "street": "4 avenue Jean Jaurès",
                "zip": "75019",
                "city": "Paris",
                "siren": "552081317",
                "vat": "FR03552081317",
            }
        )
        self.assertTrue(self.customer.billing_data_complete)
        complete = self.env["res.partner"].search([("billing_data_complete", "=", True)])
        self.assertIn(self.customer, complete)
        private = self.env["res.partner"].create(
            {
                "name": "Claire Moreau",
                "street": "1 rue",
                "zip": "33000",
                "city": "Bordeaux",
                "country_id": self.fr.id,
            }
        )
        self.assertEqual(private.billing_customer_type, "b2c")
        self.assertTrue(private.billing_data_complete)


@tagged("post_install", "-at_install")
class TestCompanyLegalSettings(AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()

    def test_settings_write_company_identity(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.fr_siren = "820419653"
            settings.fr_siret = "82041965300010"
            settings.fr_legal_form = "SAS"
            settings.fr_rcs_city = "Lyon"
            settings.fr_share_capital = 50000
            settings.fr_gate_mode = "warn"
        company = self.env.company
        self.assertEqual(company.siren, "820419653")
        self.assertEqual(company.partner_id.siren, "820419653")
        self.assertEqual(company.fr_legal_form, "SAS")
        self.assertEqual(company.fr_gate_mode, "warn")
        self.assertEqual(company.fr_early_discount_text, "Pas d'escompte pour paiement anticipé.")

    def test_penalty_rate_floor_and_default(self):
        company = self.env.company
        # legal default: ECB rate of the half-year + 10 points
        self.assertAlmostEqual(company._fr_penalty_rate_on(date(2024, 3, 1)), 14.5)
        self.assertAlmostEqual(company._fr_penalty_rate_on(date(2025, 9, 1)), 12.15)
        floor = company._fr_penalty_rate_floor(date.today())
        self.assertGreater(floor, 0)
        with self.assertRaises(ValidationError) as error:
            company.fr_penalty_rate = floor - 0.5
        self.assertIn(company.name, str(error.exception))
        company.fr_penalty_rate = floor + 1
        self.assertEqual(company._fr_penalty_rate_on(date(2024, 3, 1)), floor + 1)

    def test_settings_warn_when_the_pdf_engine_drops_header_and_footer(self):
        # the wkhtmltopdf this server runs: Debian's (plain Qt) answers "wkhtmltopdf 0.12.6",
        # wkhtmltopdf.org's "wkhtmltopdf 0.12.6 (with patched qt)"
        binary = _get_wkhtmltopdf_bin()
        version = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False
        ).stdout
        patched = "with patched qt" in version
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.fr_pdf_no_header_footer, not patched, version)
        view = self.env.ref("billing_fr_compliance.res_config_settings_view_form")
        self.assertIn('invisible="not fr_pdf_no_header_footer"', view.arch)
        self.assertIn("cannot print the report header and footer", " ".join(view.arch.split()))


@tagged("post_install", "-at_install")
class TestLegacyPartner(AccountTestInvoicingCommon):
    """Partners recorded before the addon (any phone format, old identifiers) stay editable:
    checks apply to the fields a write changes, a phone that cannot be read is flagged."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = cls.env.ref("base.fr")
        cls.legacy = cls.env["res.partner"].create(
            {
                "name": "Quincaillerie Ancienne",
                "is_company": True,
                "street": "1 rue Vieille",
                "zip": "69001",
                "city": "Lyon",
                "country_id": cls.fr.id,
                "email": "old@quincaillerie.example",
            }
        )
        # as years of data recorded before the addon left it: no check ever ran on these
        cls.env.cr.execute(
            "UPDATE res_partner SET phone = %s, siret = %s, vat = %s WHERE id = %s",
            ("ask for Marcel, 2nd floor", "12345678901234", "FR00123456789", cls.legacy.id),
        )
        cls.env.invalidate_all()
        # what the installation computes for every existing partner
        cls.env.add_to_compute(cls.legacy._fields["billing_phone_to_check"], cls.legacy)
        cls.env.flush_all()

    def test_legacy_partner_other_fields_editable(self):
        self.assertTrue(self.legacy.billing_phone_to_check)
        with Form(self.legacy) as form:
            form.email = "compta@quincaillerie.example"
        with Form(self.legacy) as form:
            form.street = "3 rue Neuve"
            form.city = "Villeurbanne"
            form.zip = "69100"
        self.legacy.write({"is_company": True, "email": "factures@quincaillerie.example"})
        self.assertEqual(self.legacy.email, "factures@quincaillerie.example")
        self.assertEqual(self.legacy.street, "3 rue Neuve")
        # the old values are kept as they were
        self.assertEqual(self.legacy.phone, "ask for Marcel, 2nd floor")
        self.assertEqual(self.legacy.siret, "12345678901234")
        self.assertEqual(self.legacy.vat, "FR00123456789")
        # the country too (Odoo's base_vat checks a VAT number against it: none here)
        no_vat = self.env["res.partner"].create({"name": "Scierie Vieille", "is_company": True})
        self.env.cr.execute(
            "UPDATE res_partner SET siret = %s WHERE id = %s", ("12345678901234", no_vat.id)
        )
        self.env.invalidate_all()
        with Form(no_vat) as form:
            form.country_id = self.env.ref("base.mc")
        no_vat.write({"country_id": self.fr.id, "street": "2 route du Bois"})
        self.assertEqual(no_vat.country_id, self.fr)

    def test_legacy_identifier_changed_to_invalid_refused(self):
        with self.assertRaises(ValidationError) as error:
            with Form(self.legacy) as form:
                form.siret = "98765432109876"
        self.assertIn("Quincaillerie Ancienne", str(error.exception))
        self.assertIn("SIRET 98765432109876", str(error.exception))
        with self.assertRaises(ValidationError) as error:
            self.legacy.write({"siren": "123456789"})
        self.assertIn("Quincaillerie Ancienne", str(error.exception))
        self.assertIn("SIREN 123456789", str(error.exception))
        # a valid SIREN is accepted even though the old SIRET and VAT number are not
        self.legacy.write({"siren": "552081317"})
        self.assertEqual(self.legacy.siren, "552081317")

    def test_unreadable_phone_typed_is_kept_and_flagged(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Claire Moreau"
            form.country_id = self.fr
            form.phone = "04 78 00 00 00 poste 12"
            form.mobile = "06 12 34 56 78"
        partner = form.record
        self.assertEqual(partner.phone, "04 78 00 00 00 poste 12")
        self.assertEqual(partner.mobile, "+33612345678")
        self.assertTrue(partner.billing_phone_to_check)
        to_check = self.env["res.partner"].search([("billing_phone_to_check", "=", True)])
        self.assertIn(partner, to_check)
        self.assertIn(self.legacy, to_check)
        partner.phone = "04 78 00 00 12"
        self.assertEqual(partner.phone, "+33478000012")
        self.assertFalse(partner.billing_phone_to_check)

    def test_partner_of_another_country_left_to_odoo(self):
        """In a company that is not French, a partner that is not French is left as Odoo
        leaves it: its phone is not rewritten, nor flagged."""
        us_company = self.env["res.company"].create(
            {"name": "Maple Goods LLC", "country_id": self.env.ref("base.us").id}
        )
        self.env.user.company_ids |= us_company
        us_env = self.env(context=dict(self.env.context, allowed_company_ids=[us_company.id]))
        partner = us_env["res.partner"].create(
            {
                "name": "Acme Hardware",
                "country_id": self.env.ref("base.us").id,
                "phone": "(555) 010-0199 ext. 4",
            }
        )
        self.assertEqual(partner.phone, "(555) 010-0199 ext. 4")
        self.assertFalse(partner.billing_phone_to_check)


@tagged("post_install", "-at_install")
class TestPartnerLanguage(AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))

    def test_new_partner_of_french_company_speaks_french(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Bâtiments Martin SARL"
        self.assertEqual(form.record.lang, "fr_FR")
        created = self.env["res.partner"].create({"name": "Claire Moreau"})
        self.assertEqual(created.lang, "fr_FR")
        # a contact speaks its company's language, an explicit language is kept
        english = self.env["res.partner"].create({"name": "Maple Trading", "lang": "en_US"})
        contact = self.env["res.partner"].create({"name": "Jane", "parent_id": english.id})
        self.assertEqual(contact.lang, "en_US")
        asked = self.env["res.partner"].with_context(default_lang="en_US").create({"name": "Bob"})
        self.assertEqual(asked.lang, "en_US")

    def test_new_partner_of_other_company_unchanged(self):
        us_company = self.env["res.company"].create(
            {"name": "Maple Goods LLC", "country_id": self.env.ref("base.us").id}
        )
        self.env.user.company_ids |= us_company
        partner = (
            self.env["res.partner"]
            .with_context(allowed_company_ids=[us_company.id])
            .create({"name": "Acme Hardware"})
        )
        self.assertEqual(partner.lang, "en_US")
