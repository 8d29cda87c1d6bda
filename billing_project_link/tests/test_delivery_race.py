# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestDeliveryRace(TransactionCase):
    """Two workers invoicing the same delivery at once, each on its own database cursor.

    The picking is created and committed by a dedicated cursor (the test cursor's data is not
    visible to other cursors) and deleted at the end.
    """

    def _new_env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_two_workers(self):
        with self.registry.cursor() as cr:  # committed when the block ends
            env = self._new_env(cr)
            picking_type = env["stock.picking.type"].search(
                [("code", "=", "outgoing"), ("company_id", "=", env.company.id)], limit=1
            )
            picking_id = env["stock.picking"].create({"picking_type_id": picking_type.id}).id
        try:
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                worker_a = self._new_env(cr_a)["stock.picking"].browse(picking_id)
                worker_b = self._new_env(cr_b)["stock.picking"].browse(picking_id)
                # worker A is invoicing the delivery: it holds the row lock
                self.assertEqual(worker_a._delivery_invoice_lock().ids, [picking_id])
                # user B clicks "Invoice this delivery" meanwhile: refused at once
                with self.assertRaisesRegex(UserError, "being invoiced by another user"):
                    worker_b.action_invoice_delivery()
                # a batch worker skips the row and goes on with the others
                self.assertFalse(worker_b._delivery_invoice_lock(skip_locked=True))
                cr_a.rollback()
                # once A is done, B gets the lock
                self.assertEqual(worker_b._delivery_invoice_lock().ids, [picking_id])
                cr_b.rollback()
        finally:
            with self.registry.cursor() as cr:
                self._new_env(cr)["stock.picking"].browse(picking_id).unlink()
