# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

DEMO_INVOICES = [
    "billing_fr_compliance.invoice_demo_b2b",
    "billing_fr_compliance.invoice_demo_b2c",
    "billing_fr_compliance.invoice_demo_intra_eu",
    "billing_fr_compliance.credit_note_demo_b2b",
]


@tagged("post_install", "-at_install", "billing_demo")
class TestDemoData(TransactionCase):
    """The demo data, installed the usual way (from Apps, in a database with demo data, no
    setup/demo): the French identity is on a French company with the French chart, and
    every demo invoice of the billing addons passed the gate. Runs where the demo data is
    loaded: `tests/run --demo` (CI); skipped in databases without demo data."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_billing_fr_compliance").demo:
            self.skipTest("installed without demo data")

    def _demo_invoices(self, company):
        moves = self.env["account.move"]
        for xmlid in DEMO_INVOICES:
            moves |= self.env.ref(xmlid)
        order = self.env.ref("billing_project_link.demo_order_situation", False)
        if order:
            situations = order.situation_ids
            self.assertTrue(situations, "the demo situations are invoiced")
            moves |= situations.invoice_id
        if "billing.dunning.policy" in self.env:
            dunning = self.env["account.move"].search(
                [("company_id", "=", company.id), ("journal_id.code", "=", "RLDEM")]
            )
            self.assertTrue(dunning, "the dunning demo invoices are in the demo company")
            moves |= dunning
        return moves

    def test_demo_company_is_french(self):
        company = self.env.ref("base.demo_company_fr")
        self.assertEqual(company.name, "Atelier Dupont SAS")
        self.assertTrue(company._fr_is_french())
        self.assertTrue(company._fr_gate_applies())
        self.assertEqual(company.chart_template, "fr")
        self.assertEqual(company.account_fiscal_country_id.code, "FR")
        self.assertEqual(company.currency_id.name, "EUR")
        self.assertEqual(company.partner_id.lang, "fr_FR")
        admin = self.env.ref("base.user_admin")
        self.assertIn(company, admin.company_ids)
        self.assertEqual(admin.company_id, self.env.ref("base.main_company"))
        self.assertTrue(self.env["res.lang"]._get_code("fr_FR"), "French is installed")

    def test_demo_invoices_passed_the_gate(self):
        company = self.env.ref("base.demo_company_fr")
        moves = self._demo_invoices(company)
        for move in moves:
            with self.subTest(move=move.name):
                self.assertEqual(move.company_id, company)
                self.assertEqual(move.state, "posted")
                self.assertEqual(move.fr_compliance_status, "compliant", move.fr_compliance_issues)
                self.assertTrue(move.fr_legal_snapshot)
                if move.partner_id.country_id.code == "FR":
                    self.assertEqual(move.partner_id.lang, "fr_FR")
