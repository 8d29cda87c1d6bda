# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..exceptions import FrGateRefusal
from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestPartnerRules(BillingFrCommon):
    """One rule per fact: what the customer form calls missing is what the gate refuses;
    the form warns (with a label) about what to check; the gate opens the record to fix."""

    def test_french_customer_without_vat_number_form_and_gate_agree(self):
        # LEGAL_FR.md item 4: the buyer's VAT number is required for intra-EU supplies and
        # reverse charge only; a French customer invoiced with French VAT may have none
        self.customer.vat = False
        with Form(self.customer) as partner_form:
            self.assertFalse(partner_form.billing_missing_data)
            self.assertTrue(partner_form.billing_data_complete)
        self.assertNotIn(
            self.customer, self.env["res.partner"].search([("billing_data_complete", "=", False)])
        )
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_intra_eu_customer_without_vat_number_form_and_gate_agree(self):
        position = self._fiscal_position("intra_eu", "Intra-EU B2B (test)")
        self.german.write({"vat": False, "property_account_position_id": position.id})
        with Form(self.german) as partner_form:
            self.assertEqual(partner_form.billing_missing_data, "Customer intra-EU VAT number")
        self.assertIn(
            self.german, self.env["res.partner"].search([("billing_data_complete", "=", False)])
        )
        invoice = self._invoice(partner=self.german)
        with self.assertRaisesRegex(UserError, "Customer intra-EU VAT number"):
            invoice.action_post()

    def test_french_customer_without_siren_form_and_gate_agree(self):
        self.customer.write({"siren": False, "vat": False})
        with Form(self.customer) as partner_form:
            self.assertEqual(partner_form.billing_missing_data, "Customer SIREN")
        with self.assertRaisesRegex(UserError, "Customer SIREN"):
            self._invoice().action_post()

    def test_french_customer_with_foreign_vat_number_is_offered_the_french_one(self):
        partner_form = Form(self.env["res.partner"])
        partner_form.company_type = "company"
        partner_form.name = "Menuiserie Lyonnaise SARL"
        partner_form.street = "3 quai Saint-Vincent"
        partner_form.zip = "69001"
        partner_form.city = "Lyon"
        partner_form.country_id = self.fr
        partner_form.siren = "552081317"
        partner_form.vat = "DE129273398"
        self.assertEqual(partner_form.billing_vat_suggestion, "FR03552081317")
        self.assertIn("DE129273398", partner_form.billing_identity_warning)
        self.assertIn("FR03552081317", partner_form.billing_identity_warning)
        partner = partner_form.save()
        partner.action_billing_use_vat_suggestion()
        self.assertEqual(partner.vat, "FR03552081317")
        self.assertFalse(partner.billing_identity_warning)
        # a German customer keeps its German number without a warning
        self.assertFalse(self.german.billing_identity_warning)
        self.assertFalse(self.german.billing_vat_suggestion)

    def test_phone_to_check_is_a_labelled_warning(self):
        with Form(self.customer) as partner_form:
            partner_form.phone = "01 23"
            self.assertIn("Phone to check: 01 23", partner_form.billing_identity_warning)
        self.assertTrue(self.customer.billing_phone_to_check)
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="billing_identity_warning"', arch)
        self.assertNotIn("boolean_toggle", arch.split("billing_phone_to_check")[1][:80])

    def test_siren_and_siret_next_to_vat_for_a_french_company(self):
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        vat = arch.index('name="vat"')
        self.assertLess(vat, arch.index('name="siren"'))
        self.assertLess(arch.index('name="siren"'), arch.index('name="siret"'))
        # in the same group as the VAT number: before the next field of the main part
        self.assertLess(arch.index('name="siret"'), arch.index('name="function"'))
        # fields of that group, each with its label (not inside the VAT number's row)
        tree = etree.fromstring(arch)
        group = tree.xpath("//field[@name='vat']/ancestor::group[1]")[0]
        for fname in ("siren", "siret", "billing_missing_data"):
            self.assertEqual(group.xpath("field[@name='%s']" % fname)[0].getparent(), group)
        with Form(self.customer) as partner_form:
            self.assertTrue(partner_form.billing_fr_identity)
        with Form(self.german) as partner_form:
            self.assertFalse(partner_form.billing_fr_identity)

    def test_gate_refusal_opens_the_customer_form(self):
        self.customer.write({"siren": False, "vat": False})
        invoice = self._invoice()
        with self.assertRaises(FrGateRefusal) as error:
            invoice.action_post()
        message, action, button_text, __, help_url = error.exception.args
        self.assertIn("Customer SIREN", message)
        self.assertEqual(str(error.exception), message)
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.customer.id))
        self.assertEqual(button_text, "Open the customer")
        self.assertEqual(help_url, "/billing_fr_compliance/help")

    def test_gate_refusal_opens_the_company_form(self):
        self.company.write({"fr_legal_form": False})
        with self.assertRaises(FrGateRefusal) as error:
            self._invoice().action_post()
        action = error.exception.args[1]
        self.assertEqual((action["res_model"], action["res_id"]), ("res.company", self.company.id))

    def test_gate_refusal_on_the_invoice_itself_stays_there(self):
        self.customer.billing_po_required = True
        with self.assertRaises(FrGateRefusal) as error:
            self._invoice().action_post()
        # no record to open: the dialog offers Close and the help only
        self.assertIsNone(error.exception.args[1])
        self.assertIsNone(error.exception.args[2])

    def test_gate_message_reads_the_menu_path_from_the_menus(self):
        # the first menu is "Facturation" in Community, "Comptabilité" with the accounting
        # app: the message follows whatever the menus say
        self.env.ref("account.menu_finance").name = "Comptabilité (test)"
        self.company.write({"fr_legal_form": False})
        with self.assertRaises(UserError) as error:
            self._invoice().action_post()
        self.assertIn(
            "Comptabilité (test) > Configuration > Settings > Facturation France",
            str(error.exception),
        )


@tagged("post_install", "-at_install")
class TestFrenchEverywhere(BillingFrCommon):
    """What a French user reads in Apps and Settings is French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["billing_fr_compliance"], ["fr_FR"], overwrite=True
        )

    def test_module_name_and_summary_in_french(self):
        module = self.env.ref("base.module_billing_fr_compliance").with_context(lang="fr_FR")
        self.assertEqual(module.shortdesc, "Conformité de la facturation (France)")
        self.assertIn("Mentions légales", module.summary)

    def test_settings_search_finds_the_platform_in_french(self):
        arch = etree.fromstring(
            self.env["res.config.settings"]
            .with_context(lang="fr_FR")
            .get_view(view_type="form")["arch"]
        )
        texts = [
            " ".join(filter(None, [node.get("string"), node.get("help"), node.get("title")]))
            for node in arch.iter("setting", "block")
        ]
        self.assertTrue(any("plateforme" in text.lower() for text in texts), texts)
