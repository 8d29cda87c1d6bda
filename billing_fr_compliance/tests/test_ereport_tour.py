# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import BillingFrCommon
from .common_tour import FrenchTourCase


@tagged("post_install", "-at_install")
class TestEreportTour(BillingFrCommon, FrenchTourCase):
    """A French billing manager, in the web client in French, prepares a month's e-report,
    reads its content and reconciliation and sends it (static/tests/tours/)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._french_clerk("base.group_user,account.group_account_manager")
        cls.company.write({"fr_gate_mode": "off", "billing_ereport_regime": "quarterly"})
        cls.env["billing.pa.platform"].create(
            {
                "name": "PA test",
                "company_id": cls.company.id,
                "flow_url": "http://127.0.0.1:9",
                "bearer_token": "token-of-the-tests",
                "billing_ereport_matricule": "0042",
                "state": "ok",
            }
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.private.id,
                "invoice_date": date(2026, 11, 3),
                "invoice_line_ids": [
                    Command.create({"product_id": cls.goods.id, "price_unit": 80.0})
                ],
            }
        )
        invoice.action_post()
        cls.report = cls.env["billing.fr.ereport"].create(
            {
                "company_id": cls.company.id,
                "kind": "transactions",
                "date_start": date(2026, 11, 1),
                "date_end": date(2026, 11, 30),
                "deadline": date(2026, 12, 10),
            }
        )

    def test_prepare_check_send(self):
        self.start_tour(
            "/odoo/action-billing_fr_compliance.billing_fr_ereport_action/%d" % self.report.id,
            "billing_fr_ereport_tour",
            login=self.manager.login,
        )
        self.assertEqual(self.report.state, "ready")
        self.assertEqual(self.report.flow_ids.flow_syntax, "FRR")
        # its title in the reader's language, whoever created it
        self.assertEqual(
            self.report.with_context(lang="fr_FR").display_name,
            "Ventes du 01/11/2026 au 30/11/2026",
        )
        self.assertEqual(
            self.report.with_context(lang="en_US").display_name, "Sales 11/01/2026 – 11/30/2026"
        )
