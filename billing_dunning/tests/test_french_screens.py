# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFrenchScreens(TransactionCase):
    """What a French user reads in Apps and finds in Settings is French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["billing_dunning"], ["fr_FR"], overwrite=True
        )

    def test_module_name_and_summary_in_french(self):
        module = self.env.ref("base.module_billing_dunning").with_context(lang="fr_FR")
        self.assertEqual(module.shortdesc, "Relances clients (France)")
        self.assertIn("Relances de paiement", module.summary)

    def test_settings_search_finds_the_dunning_in_french(self):
        arch = etree.fromstring(
            self.env["res.config.settings"]
            .with_context(lang="fr_FR")
            .get_view(view_type="form")["arch"]
        )
        setting = arch.xpath("//setting[@id='billing_dunning_policies']")[0]
        self.assertIn("relance", setting.get("string").lower())
        self.assertIn("relance", setting.get("help").lower())
        action = self.env.ref("billing_dunning.billing_dunning_policy_action")
        self.assertEqual(setting.xpath(".//button")[0].get("name"), str(action.id))


@tagged("post_install", "-at_install", "billing_demo")
class TestFrenchDemo(TransactionCase):
    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_billing_dunning").demo:
            self.skipTest("installed without demo data")

    def test_demo_journal_in_french(self):
        journal = self.env["account.journal"].search([("code", "=", "RLDEM")])
        self.assertEqual(journal.with_context(lang="fr_FR").name, "Ventes (démo relances)")
        self.assertEqual(journal.with_context(lang="en_US").name, "Sales (dunning demo)")
