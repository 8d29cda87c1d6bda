# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestSituationScreens(SituationCommon):
    """What a clerk meets on the Situations screens."""

    def test_list_does_not_add_up_contracts(self):
        order = self._create_order(amounts=(120000.0,))
        self._situation(order, [25]).invoice_id.action_post()
        self._situation(order, [50])
        situations = self.env["billing.situation"]
        arch = situations.get_views([(False, "list")])["views"]["list"]["arch"]
        column = etree.fromstring(arch).xpath("//field[@name='amount_contract']")[0]
        self.assertFalse(column.get("sum"))
        self.assertFalse(
            situations.fields_get(["amount_contract"])["amount_contract"].get("aggregator")
        )
        groups = situations.web_read_group(
            [("order_id", "=", order.id)], ["amount_contract", "amount_situation"], ["order_id"]
        )["groups"]
        self.assertNotIn("amount_contract", groups[0])
        self.assertEqual(groups[0]["amount_situation"], 60000.0)

    def test_new_on_the_list_starts_a_situation_of_the_chosen_order(self):
        order = self._create_order()
        self._situation(order, [20, 10]).invoice_id.action_post()
        form = Form(self.env["billing.situation"])
        # the title before the order is chosen (it read "Situation 0 -")
        self.assertEqual(form.name, "New Situation")
        form.order_id = order
        self.assertEqual(form.name, "New Situation")
        situation = form.save()
        self.assertEqual(situation.number, 2)
        self.assertEqual(situation.name, "Situation 2 - %s" % order.name)
        self.assertEqual(situation.line_ids.mapped("previous_percent"), [20.0, 10.0])
        self.assertEqual(situation.line_ids.mapped("percent"), [20.0, 10.0])
        # one situation in progress per order
        with self.assertRaisesRegex(UserError, "already has"):
            self.env["billing.situation"].create({"order_id": order.id})

    def test_new_situation_opens_the_one_whose_invoice_is_a_draft(self):
        order = self._create_order()
        first = self._situation(order, [20, 10])
        self.assertEqual(first.invoice_id.state, "draft")
        action = order.action_new_situation()
        self.assertEqual(action["res_id"], first.id)
        self.assertEqual(len(order.situation_ids), 1)
        first.invoice_id.action_post()
        second = self.env["billing.situation"].browse(order.action_new_situation()["res_id"])
        self.assertEqual(second.number, 2)

    @freeze_time("2026-01-31")
    def test_release_retention_on_the_date_the_invoice_announced(self):
        order = self._create_order()
        situation = self._situation(order, [50, 50])
        invoice = situation.invoice_id
        invoice.action_post()
        self.assertFalse(order.billing_retention_release_date)  # no acceptance yet
        self.assertEqual(invoice.billing_retention_date, date(2027, 1, 31))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertIn("01/31/2027", html)
        with self.assertRaisesRegex(UserError, "01/31/2027"):
            order.action_release_retention()
        with freeze_time("2027-01-31"):
            action = order.action_release_retention()
        self.assertEqual(self.env["account.move"].browse(action["res_id"]).state, "posted")
        self.assertEqual(order.billing_retention_held, 0.0)
