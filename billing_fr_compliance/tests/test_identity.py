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
        german = self.env["res.partner"].create(
            {"name": "Müller", "country_id": self.env.ref("base.de").id, "phone": "0711 123456"}
        )
        self.assertEqual(german.phone, "+49711123456")
        with self.assertRaises(ValidationError) as error:
            self.customer.write({"phone": "12"})
        self.assertIn("Bâtiments Martin", str(error.exception))
        self.assertEqual(self.customer.phone, "+33142000000")

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
