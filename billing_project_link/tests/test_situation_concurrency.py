# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSituationConcurrency(TransactionCase):
    """Two workers invoicing situations of the same order: the second one is refused.

    The order is created and committed by a dedicated cursor (and deleted at the end): the
    test's own transaction never sees uncommitted rows of another cursor.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Concurrency Test Customer"})
            order = env["sale.order"].create({"partner_id": partner.id})
            self.order_id, self.partner_id = order.id, partner.id
        self.addCleanup(self._delete_committed_rows)

    def _delete_committed_rows(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sale.order"].browse(self.order_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def test_second_worker_is_refused_while_the_first_invoices(self):
        with self.registry.cursor() as first, self.registry.cursor() as second:
            env = api.Environment(second, SUPERUSER_ID, {})
            situation = env["billing.situation"].create({"order_id": self.order_id, "number": 1})
            env.flush_all()
            # the first worker is invoicing a situation of this order
            first.execute(
                "SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE", [self.order_id]
            )
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaisesRegex(UserError, "being invoiced by another user"),
            ):
                situation.action_create_invoice()
            self.assertFalse(situation.invoice_id)
            second.rollback()
            first.rollback()
