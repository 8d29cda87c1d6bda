# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestLegalSnapshot(AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "siren": "820419653",
                "siret": "82041965300010",
                "vat": "FR80820419653",
                "fr_legal_form": "SAS",
                "fr_share_capital": 50000,
                "fr_rcs_kind": "rcs",
                "fr_rcs_city": "Lyon",
                "fr_gate_mode": "off",
            }
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Audit", "type": "service", "lst_price": 500.0}
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Chair", "type": "consu", "lst_price": 80.0}
        )
        cls.partner_a.write({"is_company": True})

    def test_nature_of_operation_from_lines(self):
        invoice = self.init_invoice("out_invoice", products=self.goods)
        self.assertEqual(invoice.fr_operation_nature, "goods")
        invoice = self.init_invoice("out_invoice", products=self.goods + self.service)
        self.assertEqual(invoice.fr_operation_nature, "mixed")
        invoice = self.init_invoice("out_invoice", products=self.service)
        self.assertEqual(invoice.fr_operation_nature, "services")

    def test_posting_freezes_legal_data(self):
        invoice = self.init_invoice("out_invoice", products=self.service, post=True)
        snapshot = invoice.fr_legal_snapshot
        self.assertEqual(snapshot["siren"], "820419653")
        self.assertEqual(snapshot["share_capital"], 50000)
        self.assertEqual(snapshot["customer_type"], "b2b")
        self.assertIn("RCS Lyon 820 419 653", snapshot["identity_line"])
        self.assertIn("40 €", snapshot["indemnity_text"])
        rate = snapshot["penalty_rate"]
        # the company changes its capital and penalty rate: the posted invoice does not move
        self.company.write({"fr_share_capital": 80000, "fr_penalty_rate": rate + 5})
        invoice.invalidate_recordset()
        self.assertEqual(invoice._fr_legal_data()["share_capital"], 50000)
        self.assertEqual(invoice._fr_legal_data()["penalty_rate"], rate)
        # a draft follows the live data
        draft = self.init_invoice("out_invoice", products=self.service)
        self.assertEqual(draft._fr_legal_data()["share_capital"], 80000)
        self.assertFalse(draft.fr_legal_snapshot)

    def test_vendor_bills_are_not_frozen(self):
        bill = self.init_invoice("in_invoice", products=self.service, post=True)
        self.assertFalse(bill.fr_legal_snapshot)
