# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tools import SQL

from ..hooks import post_init_hook, pre_init_hook
from .delivery_common import DeliveryInvoicingCase

OLD = "2023-01-02 00:00:00"


@tagged("post_install", "-at_install")
class TestInstallIntoHistory(DeliveryInvoicingCase):
    """Issue 28: installed into years of orders and deliveries, the addon initialises its
    stored fields set-based as the ORM computes them and leaves the history's write_date."""

    def test_hooks_fill_orders_and_deliveries_without_rewriting_them(self):
        delivered = self._deliver(self._order([(self.good, 5)]))
        self.assertEqual(delivered.delivery_invoice_status, "to_invoice")
        invoiced_order = self._order([(self.ordered_good, 2)])
        nothing = self._deliver(invoiced_order)
        invoiced_order._create_invoices()
        self.assertEqual(nothing.delivery_invoice_status, "nothing")
        orders = delivered.sale_id | invoiced_order
        pickings = delivered | nothing
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("UPDATE sale_order SET write_date = %s WHERE id IN %s", [OLD, tuple(orders.ids)])
        cr.execute(
            "UPDATE stock_picking SET write_date = %s WHERE id IN %s", [OLD, tuple(pickings.ids)]
        )
        # the database as before the install: none of the addon's columns
        cr.execute(
            "ALTER TABLE sale_order DROP COLUMN delivery_downpayment_rule, "
            "DROP COLUMN billing_retention_release_date"
        )
        cr.execute("ALTER TABLE stock_picking DROP COLUMN delivery_invoice_status")
        pre_init_hook(self.env)
        self.env.invalidate_all()
        post_init_hook(self.env)
        self.assertEqual(delivered.delivery_invoice_status, "to_invoice")
        self.assertEqual(nothing.delivery_invoice_status, "nothing")
        self.assertEqual(set(orders.mapped("delivery_downpayment_rule")), {"first"})
        self.env.flush_all()
        for table, records in (("sale_order", orders), ("stock_picking", pickings)):
            cr.execute(
                SQL(
                    "SELECT count(*) FROM %s WHERE id IN %s AND write_date <> %s",
                    SQL.identifier(table),
                    tuple(records.ids),
                    OLD,
                )
            )
            self.assertEqual(cr.fetchone()[0], 0, f"{table}: write_date left as it was")
