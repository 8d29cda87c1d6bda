# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import Form, TransactionCase, tagged

from .common_situation import SituationCommon
from .delivery_common import DeliveryInvoicingCase


@tagged("post_install", "-at_install")
class TestSituationFirstWeek(SituationCommon):
    """The situation screens say what the printed invoice says; buttons only where they
    work; the affaires view states HT/TTC, its project and all the work done."""

    @freeze_time("2026-01-31")
    def test_invoice_form_shows_retention_held_and_amount_payable_now(self):
        order = self._create_order()
        situation = self._situation(order, [50, 25])  # 40 000 HT, 48 000 TTC, 2 400 held
        invoice = situation.invoice_id
        with Form(invoice) as invoice_form:
            self.assertEqual(invoice_form.billing_retention_amount, 2400.0)
            self.assertEqual(invoice_form.billing_amount_due_now, 45600.0)
        arch = etree.fromstring(self.env["account.move"].get_view(view_type="form")["arch"])
        footer = arch.xpath("//group[hasclass('oe_subtotal_footer')]")[0]
        names = [field.get("name") for field in footer.iter("field")]
        self.assertIn("billing_retention_amount", names)
        self.assertIn("billing_amount_due_now", names)
        invoice.action_post()
        self.assertEqual(invoice.amount_residual, 48000.0)
        self.assertEqual(invoice.billing_amount_due_now, 45600.0)
        register = Form.from_action(self.env, invoice.action_register_payment()).save()
        register.action_create_payments()
        self.assertEqual(invoice.billing_amount_due_now, 0.0)
        with freeze_time("2027-02-01"):
            invoice.invalidate_recordset(["billing_amount_due_now"])
            self.assertEqual(invoice.billing_amount_due_now, 2400.0)

    @freeze_time("2026-01-31")
    def test_release_retention_shows_only_from_the_release_date(self):
        order = self._create_order()
        self._situation(order, [50, 25]).invoice_id.action_post()
        self.assertEqual(order.billing_retention_held, 2400.0)
        self.assertEqual(order.billing_retention_releasable, 0.0)
        self.assertEqual(order.billing_retention_next_date, date(2027, 1, 31))
        arch = etree.fromstring(self.env["sale.order"].get_view(view_type="form")["arch"])
        button = arch.xpath("//button[@name='action_release_retention']")[0]
        self.assertEqual(button.get("invisible"), "not billing_retention_releasable")
        with freeze_time("2027-01-31"):
            order.invalidate_recordset(["billing_retention_releasable"])
            self.assertEqual(order.billing_retention_releasable, 2400.0)
            order.action_release_retention()
            order.invalidate_recordset(["billing_retention_releasable", "billing_retention_held"])
            self.assertEqual(order.billing_retention_releasable, 0.0)

    def test_affaires_labels_state_excl_or_incl_tax(self):
        fields_info = self.env["billing.affaire.report"].fields_get(
            ["amount_contracted", "amount_achieved", "amount_invoiced", "amount_paid"]
            + ["amount_retained", "amount_to_invoice"],
            ["string"],
        )
        for fname in ("amount_contracted", "amount_achieved", "amount_invoiced"):
            self.assertIn("excl. tax", fields_info[fname]["string"])
        self.assertIn("excl. tax", fields_info["amount_to_invoice"]["string"])
        for fname in ("amount_paid", "amount_retained"):
            self.assertIn("incl. tax", fields_info[fname]["string"])

    def test_affaires_counts_a_delivered_line_beside_the_situation(self):
        order = self._create_order()
        self._situation(order, [50, 0]).invoice_id.action_post()
        report = self.env["billing.affaire.report"]
        self.assertEqual(report.search([("order_id", "=", order.id)]).amount_achieved, 30000.0)
        # the second lot, not yet in any situation's progress, is delivered in full
        order.order_line.filtered(lambda line: line.name == "Lot 2").qty_delivered = 1.0
        report.invalidate_model()
        self.assertEqual(report.search([("order_id", "=", order.id)]).amount_achieved, 70000.0)
        # a service added on the order, ordered 0, timesheeted/delivered 3 units at 100
        order.order_line = [
            Command.create(
                {
                    "product_id": self.lot_product.id,
                    "name": "Extra works",
                    "product_uom_qty": 0.0,
                    "price_unit": 100.0,
                    "tax_id": [Command.set(self.tax_20.ids)],
                }
            )
        ]
        order.order_line.filtered(lambda line: line.name == "Extra works").qty_delivered = 3.0
        report.invalidate_model()
        self.assertEqual(report.search([("order_id", "=", order.id)]).amount_achieved, 70300.0)

    def test_affaires_project_of_a_task_of_the_order(self):
        order = self._create_order()
        project = self.env["project.project"].create(
            {
                "name": "Chantier des Tilleuls",
                "allow_billable": True,
                "partner_id": self.customer.id,
            }
        )
        task = self.env["project.task"].create(
            {
                "name": "Gros oeuvre",
                "project_id": project.id,
                "sale_line_id": order.order_line[0].id,
                "partner_id": self.customer.id,
            }
        )
        self.assertEqual(task.sale_order_id, order)
        row = self.env["billing.affaire.report"].search([("order_id", "=", order.id)])
        self.assertEqual(row.project_id, project)


@tagged("post_install", "-at_install")
class TestAffairesDeliveries(DeliveryInvoicingCase):
    def test_shipping_service_is_achieved_with_the_first_delivery(self):
        order = self._order([(self.good, 10), (self.shipping, 1)])
        report = self.env["billing.affaire.report"]
        self.assertEqual(report.search([("order_id", "=", order.id)]).amount_achieved, 0.0)
        self._deliver(order, {self.good: 4})
        report.invalidate_model()
        # 4 of 10 blocks (40) and the shipping (50), billed with this delivery
        self.assertEqual(report.search([("order_id", "=", order.id)]).amount_achieved, 90.0)


@tagged("post_install", "-at_install", "billing_demo")
class TestAffairesDemo(TransactionCase):
    """Installed with demo data (`tests/run --demo`): the affaires row of the demo contract
    names its project, and the retention account reads in French."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_billing_project_link").demo:
            self.skipTest("installed without demo data")

    def test_demo_affaire_has_its_project_and_french_account(self):
        order = self.env.ref("billing_project_link.demo_order_situation")
        row = self.env["billing.affaire.report"].search([("order_id", "=", order.id)])
        project = self.env.ref("billing_project_link.demo_project_situation")
        self.assertEqual(row.project_id, project)
        self.assertTrue(row.amount_retained)
        account = order.company_id._billing_retention_account()
        self.assertEqual(account.with_context(lang="fr_FR").name, "Clients - Retenues de garantie")
