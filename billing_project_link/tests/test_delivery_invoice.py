# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .delivery_common import DeliveryInvoicingCase


@tagged("post_install", "-at_install")
class TestDeliveryInvoice(DeliveryInvoicingCase):
    def _order_wizard(self, order, method="delivered"):
        """The order's standard "Create invoice" wizard."""
        return (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids, active_id=order.id)
            .create({"advance_payment_method": method})
        )

    def test_two_deliveries_invoiced_separately(self):
        order = self._order(
            [(self.good, 10), (self.ordered_good, 4), (self.shipping, 1)],
            partner_shipping_id=self.site.id,
        )
        first = self._deliver(order, {self.good: 6, self.ordered_good: 4})
        second_open = order.picking_ids - first
        self.assertEqual(first.delivery_invoice_status, "to_invoice")
        self.assertEqual(first.partner_id, self.site)

        action = first.action_invoice_delivery()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(self._qty(invoice, self.good), 6)
        # products invoiced on ordered quantities and services go on the first delivery's invoice
        self.assertEqual(self._qty(invoice, self.ordered_good), 4)
        self.assertEqual(self._qty(invoice, self.shipping), 1)
        for line in self._product_lines(invoice):
            self.assertIn(first.name, line.name)
            self.assertEqual(line.delivery_picking_id, first)
        self.assertEqual(invoice.delivery_date, fields.Date.context_today(first, first.date_done))
        self.assertEqual(invoice.partner_shipping_id, self.site)
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.delivery_picking_ids, first)
        self.assertEqual(first.delivery_invoice_id, invoice)
        self.assertEqual(first.delivery_invoice_status, "invoiced")
        self.assertEqual(first.delivery_invoice_count, 1)
        self.assertEqual(invoice.action_view_delivery_pickings()["res_id"], first.id)
        good_line = order.order_line.filtered(lambda line: line.product_id == self.good)
        self.assertEqual(good_line.qty_invoiced, 6)
        self.assertIn(invoice, order.invoice_ids)

        second = self._deliver(order)
        self.assertEqual(second, second_open)
        invoice2 = self.env["account.move"].browse(second.action_invoice_delivery()["res_id"])
        self.assertEqual(self._qty(invoice2, self.good), 4)
        self.assertFalse(self._qty(invoice2, self.shipping))
        self.assertFalse(self._qty(invoice2, self.ordered_good))
        self.assertEqual(good_line.qty_invoiced, 10)
        self.assertEqual(order.invoice_status, "invoiced")
        # the order's own wizard has nothing left to bill
        with self.assertRaises(UserError):
            self._order_wizard(order).create_invoices()

    def test_double_click_never_twice(self):
        order = self._order([(self.good, 5)])
        picking = self._deliver(order)
        picking.action_invoice_delivery()
        with self.assertRaisesRegex(UserError, "already invoiced"):
            picking.action_invoice_delivery()
        self.assertEqual(len(order.invoice_ids), 1)
        self.assertEqual(order.order_line.qty_invoiced, 5)

    def test_order_wizard_first_then_delivery(self):
        order = self._order([(self.good, 5)])
        picking = self._deliver(order, {self.good: 3})
        self._order_wizard(order).create_invoices()
        self.assertEqual(order.order_line.qty_invoiced, 3)
        self.assertEqual(picking.delivery_invoice_status, "nothing")
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            picking.action_invoice_delivery()
        second = self._deliver(order)
        self.assertEqual(second.delivery_invoice_status, "to_invoice")
        invoice = self.env["account.move"].browse(second.action_invoice_delivery()["res_id"])
        self.assertEqual(self._qty(invoice, self.good), 2)
        self.assertEqual(order.order_line.qty_invoiced, 5)

    def test_delivery_then_order_wizard(self):
        order = self._order([(self.good, 8)])
        first = self._deliver(order, {self.good: 5})
        first.action_invoice_delivery()
        self._deliver(order)
        self._order_wizard(order).create_invoices()
        # the standard invoice bills only what the delivery invoice did not
        standard = order.invoice_ids - first.delivery_invoice_id
        self.assertEqual(self._qty(standard, self.good), 3)
        self.assertEqual(order.order_line.qty_invoiced, 8)

    def test_cancel_frees_and_reinvoice(self):
        order = self._order([(self.good, 5)])
        picking = self._deliver(order)
        invoice = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        invoice.action_post()
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(picking.delivery_invoice_status, "to_invoice")
        self.assertFalse(picking.delivery_invoice_id)
        self.assertEqual(order.order_line.qty_invoiced, 0)
        invoice2 = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        self.assertEqual(self._qty(invoice2, self.good), 5)
        self.assertEqual(order.order_line.qty_invoiced, 5)
        self.assertEqual(picking.delivery_invoice_count, 2)

    def _reversal_form(self, invoice):
        """Odoo's Credit Note wizard on ``invoice``, its category chosen when
        billing_fr_compliance asks for one (the three addons installed together)."""
        form = Form(
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=invoice.ids
            )
        )
        if "fr_credit_reason_id" in form._view["fields"] and form._get_modifier(
            "fr_credit_reason_id", "required"
        ):
            form.fr_credit_reason_id = self.env.ref(
                "billing_fr_compliance.billing_fr_credit_reason_return"
            )
        return form

    def test_reverse_frees(self):
        order = self._order([(self.good, 5)])
        picking = self._deliver(order)
        invoice = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        invoice.action_post()
        reversal = self._reversal_form(invoice).save()
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        self.assertEqual(picking.delivery_invoice_status, "invoiced")  # draft reversal
        credit_note.action_post()
        self.assertEqual(picking.delivery_invoice_status, "to_invoice")
        self.assertEqual(order.order_line.qty_invoiced, 0)
        invoice2 = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        self.assertEqual(self._qty(invoice2, self.good), 5)

    def test_reverse_and_create_new_draft_keeps_the_link(self):
        order = self._order([(self.good, 5)])
        picking = self._deliver(order)
        invoice = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        invoice.action_post()
        reversal = self._reversal_form(invoice).save()
        new_draft = self.env["account.move"].browse(reversal.modify_moves()["res_id"])
        self.assertEqual(new_draft.move_type, "out_invoice")
        self.assertEqual(picking.delivery_invoice_id, new_draft)
        self.assertEqual(picking.delivery_invoice_status, "invoiced")
        self.assertEqual(order.order_line.qty_invoiced, 5)
        with self.assertRaisesRegex(UserError, "already invoiced"):
            picking.action_invoice_delivery()

    def test_return_credit_note_references_invoice(self):
        order = self._order([(self.good, 6)])
        picking = self._deliver(order)
        invoice = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        invoice.action_post()
        returned = self._return(picking, {self.good: 2})
        self.assertEqual(returned.delivery_invoice_status, "to_invoice")
        credit = self.env["account.move"].browse(returned.action_invoice_delivery()["res_id"])
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.reversed_entry_id, invoice)
        self.assertIn(invoice.name, credit.ref)
        self.assertEqual(self._qty(credit, self.good), 2)
        self.assertIn(returned.name, self._product_lines(credit).name)
        self.assertEqual(order.order_line.qty_invoiced, 4)
        # with billing_fr_compliance, which asks French credit notes for a category
        returned_goods = self.env.ref(
            "billing_fr_compliance.billing_fr_credit_reason_return", raise_if_not_found=False
        )
        if returned_goods:
            self.assertEqual(credit.fr_credit_reason_id, returned_goods)
        credit.action_post()
        self.assertEqual(credit.state, "posted")
        # the credit note of a return does not free the returned delivery
        self.assertEqual(picking.delivery_invoice_id, invoice)
        self.assertEqual(returned.delivery_invoice_id, credit)

    def test_return_of_uninvoiced_delivery_has_nothing_to_credit(self):
        order = self._order([(self.good, 6)])
        picking = self._deliver(order)
        returned = self._return(picking, {self.good: 2})
        self.assertEqual(returned.delivery_invoice_status, "nothing")
        invoice = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        self.assertEqual(self._qty(invoice, self.good), 4)

    def test_extra_lines_left_to_the_order(self):
        order = self._order(
            [(self.good, 5), (self.ordered_good, 2), (self.shipping, 1)],
            delivery_invoice_extra_lines="order",
        )
        picking = self._deliver(order)
        invoice = self.env["account.move"].browse(picking.action_invoice_delivery()["res_id"])
        self.assertEqual(self._qty(invoice, self.good), 5)
        self.assertFalse(self._qty(invoice, self.ordered_good))
        self.assertFalse(self._qty(invoice, self.shipping))
        self._order_wizard(order).create_invoices()
        rest = order.invoice_ids - invoice
        self.assertEqual(self._qty(rest, self.ordered_good), 2)
        self.assertEqual(self._qty(rest, self.shipping), 1)
        self.assertFalse(self._qty(rest, self.good))

    def test_not_done_delivery_cannot_be_invoiced(self):
        order = self._order([(self.good, 5)])
        picking = order.picking_ids
        self.assertEqual(picking.delivery_invoice_status, "nothing")
        with self.assertRaisesRegex(UserError, picking.name):
            picking.action_invoice_delivery()
        self.assertFalse(order.invoice_ids)

    def test_at_once_customer_invoiced_on_validation(self):
        self.customer.delivery_invoice_frequency = "at_once"
        order = self._order([(self.good, 5)])
        picking = self._deliver(order, {self.good: 2})
        self.assertEqual(picking.delivery_invoice_status, "invoiced")
        self.assertEqual(self._qty(picking.delivery_invoice_id, self.good), 2)
        returned = self._return(picking, {self.good: 1})
        self.assertEqual(returned.delivery_invoice_id.move_type, "out_refund")
        self.assertEqual(
            returned.delivery_invoice_id.reversed_entry_id, picking.delivery_invoice_id
        )

    def test_first_at_once_customer_after_manual_ones(self):
        """While no customer is invoiced "at once", validations remember it (they ask the
        database nothing more than Odoo does); the first one set so, by a change or a new
        customer, is invoiced on its next validation."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        Partner.search([("delivery_invoice_frequency", "=", "at_once")]).write(
            {"delivery_invoice_frequency": "manual"}
        )
        self.env.registry.clear_cache()
        manual = self._deliver(self._order([(self.good, 5)]))
        self.assertEqual(manual.delivery_invoice_status, "to_invoice")
        self.assertFalse(Partner._delivery_any_at_once())
        self.customer.delivery_invoice_frequency = "at_once"
        picking = self._deliver(self._order([(self.good, 5)]))
        self.assertEqual(picking.delivery_invoice_status, "invoiced")
        self.assertEqual(manual.delivery_invoice_status, "to_invoice")
        # a new customer created "at once" while nobody else is
        self.customer.delivery_invoice_frequency = "manual"
        self.env.registry.clear_cache()
        self.assertFalse(Partner._delivery_any_at_once())
        newcomer = Partner.create(
            {"name": "Client immédiat", "delivery_invoice_frequency": "at_once"}
        )
        picking = self._deliver(self._order([(self.good, 5)], partner=newcomer))
        self.assertEqual(picking.delivery_invoice_status, "invoiced")

    def test_stock_user_cannot_invoice(self):
        order = self._order([(self.good, 5)])
        picking = self._deliver(order)
        storekeeper = self.env["res.users"].create(
            {
                "name": "Magasinier",
                "login": "magasinier",
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            picking.with_user(storekeeper).action_invoice_delivery()
        self.assertEqual(picking.delivery_invoice_status, "to_invoice")
        self.assertFalse(order.invoice_ids)

    def test_reference_is_the_purchase_order_labels_in_partner_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["billing_project_link"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        order = self._order([(self.good, 10)], client_order_ref="BC-2026-118")
        with freeze_time("2026-12-01 10:00:00"):
            first = self._deliver(order, {self.good: 6})
        with freeze_time("2026-12-03 10:00:00"):
            second = self._deliver(order)
        invoice = self.env["account.move"].browse(first.action_invoice_delivery()["res_id"])
        # BT-13 stays the customer's order number; the delivery note goes to BT-16
        self.assertEqual(invoice.ref, "BC-2026-118")
        self.assertEqual(invoice.delivery_despatch_ref, first.name)
        section = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "line_section"
        )
        self.assertEqual(section.name, f"Bon de livraison {first.name} du 01/12/2026")
        self.assertIn(f"(bon de livraison {first.name})", self._product_lines(invoice).name)
        # two delivery notes on one invoice: no single despatch advice
        invoice.button_cancel()
        wizard = Form(
            self.env["stock.picking.invoice"].with_context(
                active_model="stock.picking", active_ids=(first | second).ids
            )
        )
        wizard.grouping = "partner"
        grouped = self.env["account.move"].browse(wizard.save().action_create_invoices()["res_id"])
        self.assertEqual(grouped.ref, "BC-2026-118")
        self.assertFalse(grouped.delivery_despatch_ref)
        self.assertEqual(grouped.delivery_picking_ids, first | second)
