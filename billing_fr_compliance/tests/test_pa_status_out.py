# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from ..tools import cdar
from .test_billing_pa import BillingPaCase
from .test_pa_status import BillingPaStatusCommon


def register_payment(invoice, amount=None):
    """Register a payment from the invoice, as the Register Payment button does."""
    wizard = Form(
        invoice.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
    )
    if amount is not None:
        wizard.amount = amount
    wizard.save().action_create_payments()


@tagged("post_install", "-at_install")
class TestPaStatusOut(BillingPaStatusCommon):
    with_platform = True

    def _pay(self, invoice, amount=None):
        register_payment(invoice, amount)

    def _emitted(self, invoice, code="212"):
        return invoice.billing_pa_status_ids.filtered(
            lambda s: s.direction == "out" and s.code == code
        )

    def test_payment_reconciled_produces_a_valid_212(self):
        # a service at 10 %: VAT due on receipts (no option for debits)
        self.assertFalse(self.company.fr_vat_on_debits)
        self._pay(self.invoice)
        self.assertEqual(self.invoice.payment_state, self.invoice._get_invoice_in_payment_state())
        status = self._emitted(self.invoice)
        self.assertEqual(len(status), 1)
        self.assertEqual(self.invoice.billing_pa_status_code, "212")
        self.assertEqual(
            status.amounts, [{"rate": 10.0, "amount": self.invoice.amount_total, "currency": "EUR"}]
        )
        # queued for the platform: one lifecycle flow carrying this very CDAR
        self.assertEqual(status.send_state, "queued")
        flow = self.invoice.billing_pa_flow_ids.filtered(lambda f: f.flow_type == "lifecycle")
        self.assertEqual(len(flow), 1)
        self.assertEqual((flow.state, flow.flow_syntax), ("to_send", "CDAR"))
        self.assertEqual(flow.platform_id, self.platform)
        self.assertEqual(flow.attachment_id.raw, status.attachment_id.raw)
        # the CDAR that leaves: XSD and BR-FR-CDV, zero fired rules
        xml = status.attachment_id.raw
        self.assertEqual(cdar.check(xml), [])
        parsed = cdar.statuses(cdar.parse(xml))[0]
        self.assertEqual(parsed["code"], "212")
        self.assertEqual(parsed["invoice_number"], self.invoice.name)
        self.assertEqual(parsed["invoice_date"], self.invoice.invoice_date)
        self.assertEqual(parsed["seller_siren"], self.company.siren)
        self.assertEqual(parsed["emitter_role"], "SE")
        recipients = cdar.parse(xml)["recipients"]
        self.assertEqual(
            [(r["role"], r["ids"]) for r in recipients],
            [("BY", {"0002": self.customer.siren}), ("DFH", {"0238": "0000"})],
        )
        message = self.invoice.message_ids.filtered(
            lambda m: "Status sent to the platform" in m.body
        )
        self.assertEqual(len(message), 1)
        self.assertIn("10 %", message.body)

    def test_company_without_platform_emits_none(self):
        """The seller's own statuses are for invoices that went through a platform: a
        French invoice of a company without platform, paid, emits no 212."""
        self.platform.active = False
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.invoice_date,
            products=self.service,
            post=True,
        )
        self.assertFalse(invoice.billing_pa_send_state)
        self._pay(invoice)
        self.assertEqual(invoice.payment_state, invoice._get_invoice_in_payment_state())
        self.assertFalse(invoice.billing_pa_status_ids)
        self.assertFalse(invoice.billing_pa_flow_ids)
        # the invoice of the same company sent before, paid now, still reports its payment
        self._pay(self.invoice)
        self.assertEqual(self._emitted(self.invoice).code, "212")

    def test_partial_payments_report_each_payment(self):
        total = self.invoice.amount_total
        self._pay(self.invoice, amount=200.0)
        self._pay(self.invoice, amount=total - 200.0)
        statuses = self._emitted(self.invoice).sorted("id")
        self.assertEqual(len(statuses), 2)
        self.assertEqual([s.amounts[0]["amount"] for s in statuses], [200.0, total - 200.0])
        self.assertEqual(len(set(statuses.mapped("cdar_document_id"))), 2)
        for status in statuses:
            self.assertEqual(cdar.check(status.attachment_id.raw), [])

    def test_mixed_invoice_reports_the_services_only(self):
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.invoice_date,
            products=self.goods + self.service,
            post=True,
        )
        self._pay(invoice)
        service_line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.service
        )
        self.assertEqual(
            self._emitted(invoice).amounts,
            [{"rate": 10.0, "amount": service_line.price_total, "currency": "EUR"}],
        )

    def test_vat_on_debits_produces_none(self):
        self.company.fr_vat_on_debits = True
        self._pay(self.invoice)
        self.assertEqual(self.invoice.payment_state, self.invoice._get_invoice_in_payment_state())
        self.assertFalse(self.invoice.billing_pa_status_ids)
        self.assertFalse(self.invoice.billing_pa_status_code)

    def test_goods_produce_none(self):
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.invoice_date,
            products=self.goods,
            post=True,
        )
        self._pay(invoice)
        self.assertFalse(invoice.billing_pa_status_ids)

    def test_private_customer_produces_none(self):
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.private,
            invoice_date=self.invoice_date,
            products=self.service,
            post=True,
        )
        self._pay(invoice)
        self.assertFalse(invoice.billing_pa_status_ids)

    def test_answer_a_dispute_with_209(self):
        self.Move._billing_pa_record_cdar(
            self._cdar("207", reason_code="CMD_ERR", action_code="PIN")
        )
        action = self.invoice.action_billing_pa_answer()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        # the reason in words and what the buyer asks, not bare codes
        self.assertEqual(
            wizard.current_reason.splitlines(),
            [
                "Reason: Numéro de commande erroné ou absent (CMD_ERR)",
                "Requested action: Fournir des informations",
            ],
        )
        wizard.code = "209"
        wizard.note = "Bon de commande PO-778 joint"
        wizard.save().action_send()
        status = self._emitted(self.invoice, "209")
        self.assertEqual(status.reason, "Bon de commande PO-778 joint")
        self.assertEqual(self.invoice.billing_pa_status_code, "209")
        self.assertEqual(cdar.check(status.attachment_id.raw), [])
        self.assertIn(b"Bon de commande PO-778 joint", status.attachment_id.raw)

    def test_answer_209_needs_a_message(self):
        self.Move._billing_pa_record_cdar(
            self._cdar("208", reason_code="JUSTIF_ABS", action_code="PIN")
        )
        wizard = Form(
            self.env["billing.pa.status.answer"].with_context(default_move_id=self.invoice.id)
        )
        wizard.code = "209"
        with self.assertRaisesRegex(UserError, "what was completed"):
            wizard.save().action_send()
        self.assertFalse(self._emitted(self.invoice, "209"))

    def test_answer_with_220_cancelled(self):
        self.Move._billing_pa_record_cdar(
            self._cdar("207", reason_code="TX_TVA_ERR", action_code="NIN")
        )
        wizard = Form(
            self.env["billing.pa.status.answer"].with_context(default_move_id=self.invoice.id)
        )
        wizard.code = "220"
        wizard.save().action_send()
        status = self._emitted(self.invoice, "220")
        self.assertEqual(cdar.check(status.attachment_id.raw), [])
        self.assertEqual(self.invoice.billing_pa_status_label, "220 Cancelled")

    def test_a_cdar_breaking_the_rules_is_not_kept(self):
        # a 207 needs a reason code (BR-FR-CDV-15): refused before it leaves, nothing written
        with self.assertRaisesRegex(UserError, "BR-FR-CDV-15"):
            self.invoice._billing_pa_emit_status("207")
        self.assertFalse(self.invoice.billing_pa_status_ids)

    def test_credit_note_refunded_reports_negative_amounts(self):
        self._pay(self.invoice)
        wizard = Form(
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=self.invoice.ids
            )
        )
        wizard.reason = "Prestation annulée"
        wizard.fr_credit_reason_id = self.env.ref(
            "billing_fr_compliance.billing_fr_credit_reason_cancel"
        )
        wizard.journal_id = self.invoice.journal_id
        refund = self.env["account.move"].browse(wizard.save().refund_moves()["res_id"])
        refund.action_post()
        self._pay(refund)
        status = self._emitted(refund)
        self.assertEqual(
            status.amounts, [{"rate": 10.0, "amount": -refund.amount_total, "currency": "EUR"}]
        )
        xml = status.attachment_id.raw
        self.assertEqual(cdar.check(xml), [])
        self.assertIn(b"<ram:TypeCode>381</ram:TypeCode>", xml)

    def test_billing_user_answers_a_dispute(self):
        self.Move._billing_pa_record_cdar(
            self._cdar("207", reason_code="CMD_ERR", action_code="PIN")
        )
        clerk = new_test_user(
            self.env,
            login="clerk_answer",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        invoice = self.invoice.with_user(clerk)
        action = invoice.action_billing_pa_answer()
        wizard = Form(
            self.env[action["res_model"]].with_user(clerk).with_context(**action["context"])
        )
        wizard.note = "Numéro de commande ajouté : PO-778"
        wizard.save().action_send()
        self.assertEqual(invoice.billing_pa_status_code, "209")
        latest = (
            self.env["billing.pa.status"]
            .with_user(clerk)
            .search([("move_id", "=", invoice.id)], limit=1)
        )
        self.assertEqual((latest.code, latest.direction), ("209", "out"))

    def test_down_payment_on_goods_reports_its_payment(self):
        """VAT on a down payment for goods is due when it is received: a 212 for a down
        payment invoice (386), none for the final invoice of the goods."""
        if "sale_line_ids" not in self.env["account.move.line"]._fields:
            self.skipTest("sale is not installed")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": self.goods.id, "product_uom_qty": 10})
                ],
            }
        )
        order.action_confirm()
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids, active_id=order.id
        ).create({"advance_payment_method": "percentage", "amount": 30}).create_invoices()
        down = order.invoice_ids
        down.action_post()
        self.assertEqual(down._fr_facturx_type_code(), "386")
        self._pay(down)
        status = self._emitted(down)
        self.assertEqual(
            status.amounts, [{"rate": 20.0, "amount": down.amount_total, "currency": "EUR"}]
        )
        xml = status.attachment_id.raw
        self.assertEqual(cdar.check(xml), [])
        self.assertIn(b"<ram:TypeCode>386</ram:TypeCode>", xml)

    def test_payment_taken_off_reports_the_opposite_amounts(self):
        self._pay(self.invoice)
        reported = self._emitted(self.invoice)
        self.assertTrue(reported.partial_reconcile_id)
        payment = self.env["account.payment"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(payment), 1)
        payment.action_draft()  # the payment's Reset to Draft button
        self.assertEqual(self.invoice.payment_state, "not_paid")
        cancelled = self._emitted(self.invoice) - reported
        self.assertEqual(
            cancelled.amounts,
            [{"rate": 10.0, "amount": -self.invoice.amount_total, "currency": "EUR"}],
        )
        self.assertIn("Payment cancelled", cancelled.reason)
        self.assertEqual(cdar.check(cancelled.attachment_id.raw), [])
        self.assertFalse(cancelled.partial_reconcile_id)


@tagged("post_install", "-at_install")
class TestPaStatusWaiting(BillingPaCase):
    """A status we emit while the company has no running platform waits; it is queued when
    the company gets one or its platform resumes, and by the send cron, then sent."""

    def _stopped_platform_and_a_waiting_212(self):
        """An invoice queued for the platform, which refuses our credentials (401: the
        queue stops it); the invoice is paid meanwhile: its 212 waits."""
        invoice = self._invoice()
        self.session.prefer.append("code=401")
        self._send_queue()
        self.assertEqual(self.platform.state, "stopped")
        register_payment(invoice)
        status = invoice.billing_pa_status_ids.filtered(lambda s: s.code == "212")
        self.assertEqual((status.direction, status.send_state), ("out", "waiting"))
        self.assertFalse(self._lifecycle_flows(invoice))
        return invoice, status

    def _lifecycle_flows(self, invoice):
        return invoice.billing_pa_flow_ids.filtered(lambda f: f.flow_type == "lifecycle")

    def test_queued_when_the_platform_resumes(self):
        invoice, status = self._stopped_platform_and_a_waiting_212()
        # the cron leaves it waiting while the platform is stopped, and calls nobody
        self.assertEqual(self._send_queue(), 0)
        self.assertEqual(status.send_state, "waiting")
        self.assertEqual(len(self.session.log), 1)
        self.platform.action_resume()
        self.assertEqual(status.send_state, "queued")
        flow = self._lifecycle_flows(invoice)
        self.assertEqual((flow.state, flow.flow_syntax), ("to_send", "CDAR"))
        self.assertEqual(flow.attachment_id.raw, status.attachment_id.raw)
        # both sent by the cron, each request valid against the spec
        self.assertEqual(self._send_queue(), 2)
        self.assertEqual((flow.state, invoice.billing_pa_send_state), ("sent", "sent"))
        self.assertEqual([e[:3] for e in self.session.log[1:]], [("POST", "/v1/flows", 202)] * 2)
        # safe to rerun: queued once
        self.platform.action_resume()
        self._send_queue()
        self.assertEqual(len(self._lifecycle_flows(invoice)), 1)

    def test_queued_when_the_company_gets_a_platform(self):
        invoice = self._invoice()
        self.platform.active = False  # the company has no platform any more
        register_payment(invoice)
        status = invoice.billing_pa_status_ids.filtered(lambda s: s.code == "212")
        self.assertEqual(status.send_state, "waiting")
        self.assertEqual(self._send_queue(), 0)
        self.assertEqual(status.send_state, "waiting")
        platform = self.env["billing.pa.platform"].create(
            {
                "name": "New PA",
                "company_id": self.company.id,
                "flow_url": self.urls["flow"],
                "bearer_token": "token-of-the-new-platform",
            }
        )
        # a new platform is stopped until its connection test passes: nothing leaves before
        self.assertEqual(platform.state, "stopped")
        self.assertEqual(status.send_state, "waiting")
        platform.action_test_connection()
        self.assertEqual(platform.state, "ok")
        self.assertEqual(status.send_state, "queued")
        flow = self._lifecycle_flows(invoice)
        self.assertEqual((flow.platform_id, flow.state), (platform, "to_send"))

    def test_send_cron_picks_up_what_still_waits(self):
        invoice, status = self._stopped_platform_and_a_waiting_212()
        # resumed by another worker whose transaction could not see this status yet (it was
        # emitted in a transaction not committed then): nothing queued it on the resume
        self.env.cr.execute(
            "UPDATE billing_pa_platform SET state = 'ok' WHERE id = %s", [self.platform.id]
        )
        self.platform.invalidate_recordset(["state"])
        self.assertEqual(status.send_state, "waiting")
        self._send_queue()
        self.assertEqual(status.send_state, "queued")
        flow = self._lifecycle_flows(invoice)
        self.assertEqual(flow.state, "sent")
        self.assertEqual(invoice.billing_pa_send_state, "sent")
