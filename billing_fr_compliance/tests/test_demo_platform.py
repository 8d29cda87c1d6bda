# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from ..models.billing_pa_demo import DEMO_PLATFORM, DEMO_REJECTED_REF


@tagged("post_install", "-at_install", "billing_demo")
class TestDemoPlatform(TransactionCase):
    """The demo shows the e-invoicing screens: installed with demo data (`tests/run --demo`),
    the demo company has a stopped platform (no cron calls its made-up URLs) and invoices
    with statuses recorded from CDAR files: one rejected (213), disputed ones (207)."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_billing_fr_compliance").demo:
            self.skipTest("installed without demo data")

    def test_demo_platform_with_rejected_and_disputed_invoices(self):
        company = self.env.ref("base.demo_company_fr")
        platform = (
            self.env["billing.pa.platform"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id), ("name", "=", DEMO_PLATFORM)])
        )
        self.assertEqual(len(platform), 1)
        self.assertEqual(platform.state, "stopped")
        b2b = self.env.ref("billing_fr_compliance.invoice_demo_b2b")
        self.assertEqual(
            sorted(b2b.billing_pa_status_ids.mapped("code")), ["200", "202", "204", "207"]
        )
        rejected = self.env["account.move"].search(
            [("company_id", "=", company.id), ("ref", "=", DEMO_REJECTED_REF)]
        )
        self.assertEqual(rejected.state, "posted")
        self.assertEqual(rejected.billing_pa_status_ids.mapped("code"), ["213"])
        garnier = self.env.ref("billing_dunning.demo_partner_garnier", raise_if_not_found=False)
        if garnier:
            disputed = self.env["account.move"].search(
                [("partner_id", "=", garnier.id), ("billing_pa_status_ids.code", "=", "207")]
            )
            self.assertEqual(len(disputed), 1)
        # run again (setup/screenshots does), it adds nothing
        count = self.env["billing.pa.status"].search_count([("company_id", "=", company.id)])
        self.assertEqual(self.env["billing.pa.platform"]._billing_pa_demo_data(), platform)
        self.assertEqual(
            self.env["billing.pa.status"].search_count([("company_id", "=", company.id)]), count
        )
