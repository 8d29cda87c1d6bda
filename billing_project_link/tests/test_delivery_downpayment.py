# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .delivery_common import DeliveryInvoicingCase


@tagged("post_install", "-at_install")
class TestDeliveryDownPayment(DeliveryInvoicingCase):
    def _order_with_downpayment(self, rule):
        order = self._order([(self.good, 10)])  # 100.00 untaxed
        order.delivery_downpayment_rule = rule
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids, active_id=order.id)
            .create({"advance_payment_method": "percentage", "amount": 30})
        )
        wizard.create_invoices()
        order.invoice_ids.action_post()
        return order

    def _deducted(self, invoice):
        lines = invoice.invoice_line_ids.filtered(lambda line: line.is_downpayment)
        return -sum(
            lines.filtered(lambda line: line.display_type == "product").mapped("price_subtotal")
        )

    def _invoice(self, picking):
        action = picking.action_invoice_delivery()
        return self.env["account.move"].browse(action["res_id"])

    def test_proportional(self):
        order = self._order_with_downpayment("proportional")
        first = self._invoice(self._deliver(order, {self.good: 4}))
        self.assertAlmostEqual(self._deducted(first), 12.0)
        self.assertAlmostEqual(first.amount_untaxed, 28.0)
        last = self._invoice(self._deliver(order))
        self.assertAlmostEqual(self._deducted(last), 18.0)
        dp_line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        self.assertAlmostEqual(sum(dp_line.mapped("qty_invoiced")), 0.0)

    def test_first_invoices(self):
        order = self._order_with_downpayment("first")
        small = self._invoice(self._deliver(order, {self.good: 2}))
        # 20.00 delivered cannot carry 30.00: 0.66 of it now, never a negative invoice
        self.assertAlmostEqual(self._deducted(small), 19.8)
        self.assertGreaterEqual(small.amount_untaxed, 0)
        rest = self._invoice(self._deliver(order))
        self.assertAlmostEqual(self._deducted(rest), 10.2)

    def test_default_from_customer(self):
        self.customer.delivery_downpayment_rule = "proportional"
        order = self._order([(self.good, 1)])
        self.assertEqual(order.delivery_downpayment_rule, "proportional")
