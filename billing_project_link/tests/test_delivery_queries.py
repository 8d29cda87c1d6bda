# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from ..models.stock_picking_at_once import StockPicking
from .delivery_common import DeliveryInvoicingCase


def odoo_validates(pickings):
    """Odoo's own validation, without this addon's override of ``_action_done``."""
    return super(StockPicking, pickings)._action_done()


def we_validate(pickings):
    return pickings._action_done()


@tagged("post_install", "-at_install")
class TestDeliveryQueries(DeliveryInvoicingCase):
    """Validating deliveries of a customer invoiced manually (the default) costs at most two
    queries more than Odoo's own validation, for one delivery and for ten at once.

    Odoo's own count is measured in the same test, on the same kind of deliveries (same
    customer, product and quantities, same cold cache): ``_action_done`` run through the
    implementation below this addon's override (``super()`` of its class), i.e. Odoo's
    validation with sale_stock, stock_account and the other installed modules. What the
    addon's stored invoicing status costs is bounded apart: recomputing it for deliveries
    just validated reads nothing Odoo's validation did not load (one UPDATE at most, which
    the validation's own UPDATE of the picking carries in practice)."""

    def _pickings(self, count):
        orders = self.env["sale.order"].concat(
            *(self._order([(self.good, 3), (self.ordered_good, 1)]) for __ in range(count))
        )
        pickings = orders.picking_ids
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        self.env.flush_all()
        return pickings

    def _queries(self, validate, pickings):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        validate(pickings)
        self.env.flush_all()
        count = self.cr.sql_log_count - before
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        return count

    def _compare(self, count):
        # warm-up of both flows, not counted: sequences, caches, the first valuation entries
        odoo_validates(self._pickings(1))
        we_validate(self._pickings(1))
        odoo = self._queries(odoo_validates, self._pickings(count))
        ours = self._queries(we_validate, self._pickings(count))
        self.assertLessEqual(
            ours, odoo + 2, "validating %d: %d queries, Odoo %d" % (count, ours, odoo)
        )

    def test_validate_one_delivery(self):
        self._compare(1)

    def test_validate_ten_deliveries_at_once(self):
        self._compare(10)

    def test_status_reads_nothing_the_validation_did_not(self):
        pickings = self._pickings(10)
        pickings._action_done()
        self.assertEqual(set(pickings.mapped("delivery_invoice_status")), {"to_invoice"})
        self.env.flush_all()
        field = pickings._fields["delivery_invoice_status"]
        pickings.invalidate_recordset(["delivery_invoice_status"])
        self.env.add_to_compute(field, pickings)
        with self.assertQueryCount(1):  # the UPDATE of the 10 pickings
            self.env.flush_all()
        self.assertEqual(set(pickings.mapped("delivery_invoice_status")), {"to_invoice"})
