# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending invoices to an approved platform (PA) through the queue, against the local
platform (Prism serving the AFNOR OpenAPI files; every exchange validated by openapi-core)."""

import hashlib
import io
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import config, mute_logger
from odoo.tools.pdf import OdooPdfFileReader

from ..tools import facturx_check
from .afnor_prism import NOT_INSTALLED, ValidatingSession, prism_urls
from .common import BillingFrCommon
from .test_facturx import send_and_print


def embedded_facturx(pdf):
    """The factur-x.xml a PDF carries (None when it has none)."""
    reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
    return dict(reader.getAttachments()).get("factur-x.xml")


class BillingPaCase(BillingFrCommon):
    """A French company with a platform served by Prism; the client's session validates
    every exchange against the OpenAPI files."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.urls = prism_urls()
        if not cls.urls:
            cls.skipTest(cls, NOT_INSTALLED)
        # the queue is tested in one transaction; test_queue_jobs switches queue_job on
        cls.env["ir.config_parameter"].sudo().set_param(
            "billing_fr_compliance.pa_use_queue_job", "0"
        )
        # the invoices go out as Factur-X PDFs, rendered by wkhtmltopdf: it fetches the report
        # assets over HTTP, which the test server cannot answer while the test holds its
        # transaction; a closed port gives a real PDF at once, only unstyled
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        cls.platform = cls.env["billing.pa.platform"].create(
            {
                "name": "PA test",
                "company_id": cls.company.id,
                "flow_url": cls.urls["flow"],
                "directory_url": cls.urls["directory"],
                "bearer_token": "token-of-the-tests",
                "state": "ok",  # in service, as after its connection test
                "organization_id": "ORG-1",
            }
        )

    def setUp(self):
        super().setUp()
        self.session = ValidatingSession(self.urls)
        patcher = patch.object(
            type(self.env["billing.pa.platform"]),
            "_billing_pa_session",
            lambda platform: self.session,
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def _invoice(self, partner=None, company=None):
        move_form = Form(
            self.env["account.move"]
            .with_company(company or self.company)
            .with_context(default_move_type="out_invoice")
        )
        move_form.partner_id = partner or self.customer
        move_form.invoice_date = self.invoice_date
        with move_form.invoice_line_ids.new() as line:
            line.product_id = self.service
        invoice = move_form.save()
        invoice.action_post()
        return invoice

    @mute_logger("odoo.addons.base.models.ir_actions_report")  # wkhtmltopdf's qt warnings
    def _send_queue(self):
        return self.env["billing.pa.flow"]._cron_billing_pa_send()


@tagged("post_install", "-at_install")
class TestBillingPa(BillingPaCase):
    HELD = "6f1c2a4e-8d3b-4b7a-9e21-5a0c7d9e4f10"  # the trackingId of a flow the PA holds

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a Prism of its own, with two answers of the trackingId look-up as named examples
        # (Prefer: example=...): the platform holds the flow HELD, or it holds nothing
        from . import afnor_prism

        held = {
            "flowId": "flow-held-1",
            "trackingId": cls.HELD,
            "name": "held.pdf",
            "flowType": "CustomerInvoice",
            "flowDirection": "Out",
            "flowSyntax": "Factur-X",
            "flowProfile": "CIUS",
        }
        examples = {
            "search": {
                "held": afnor_prism.search_answer(held),
                "none": afnor_prism.search_answer(),
            }
        }
        proc, url = afnor_prism.start_prism("flow", examples=examples)
        cls.addClassCleanup(afnor_prism.stop_prism, proc)
        cls.urls = dict(cls.urls, flow=url)
        cls.platform.flow_url = url

    def test_test_connection(self):
        action = self.platform.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual([e[1] for e in self.session.log], ["/v1/healthcheck"] * 2)

    def test_posted_invoice_is_sent(self):
        invoice = self._invoice()
        self.assertEqual(invoice.billing_pa_send_state, "to_send")
        flow = invoice.billing_pa_flow_id
        self.assertEqual(flow.processing_rule, "B2B")
        # as on a server: Odoo embeds the Factur-X into the invoice's PDF only outside tests
        with patch.dict(config.options, {"test_enable": False}):
            self._send_queue()
        self.assertEqual(invoice.billing_pa_send_state, "sent")
        self.assertTrue(flow.sent_date)
        # the file is the invoice's Factur-X PDF, made by Send & Print's machinery (nothing
        # mailed) and kept as the invoice's PDF: the customer and the platform get one document
        pdf = flow.attachment_id.raw
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(pdf, invoice.invoice_pdf_report_id.raw)
        self.assertEqual(flow.file_name, invoice.name.replace("/", "_") + ".pdf")
        self.assertEqual(flow.sha256, hashlib.sha256(pdf).hexdigest())
        # it carries the XML of this addon, which fires no rule (XSD, EN16931, BR-FR)
        xml = embedded_facturx(pdf)
        self.assertEqual(xml, invoice._fr_facturx_build()[0])
        self.assertEqual(facturx_check.check(xml), [])
        self.assertIn(b"pdfaid:part", pdf)  # PDF/A-3 with the Factur-X XMP metadata
        [(method, path, status, body)] = self.session.log
        self.assertEqual((method, path, status), ("POST", "/v1/flows", 202))
        self.assertEqual(body["file"], pdf)
        info = body["flowInfo"]
        self.assertEqual(
            (info["trackingId"], info["name"], info["flowSyntax"], info["flowProfile"]),
            (flow.tracking_id, flow.file_name, "Factur-X", "CIUS"),
        )
        self.assertEqual(info["sha256"], flow.sha256)
        self.assertFalse(invoice.message_ids.mail_ids)  # nothing mailed to the customer
        # a sent invoice is never sent again
        invoice.action_billing_pa_send()
        self.assertEqual(self._send_queue(), 0)
        self.assertEqual(len(invoice.billing_pa_flow_ids), 1)

    def test_secrets_for_billing_managers_only(self):
        clerk = self.env["res.users"].create(
            {
                "name": "Billing clerk",
                "login": "billing_pa_clerk",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set(self.env.ref("account.group_account_invoice").ids)],
            }
        )
        platform = self.platform.with_user(clerk)
        self.assertEqual(platform.name, "PA test")
        with self.assertRaises(AccessError):
            platform.read(["client_secret"])
        with self.assertRaises(AccessError):
            platform.read(["bearer_token"])
        with self.assertRaises(AccessError):
            platform.write({"flow_url": "http://elsewhere"})

    def test_credit_note_is_sent(self):
        invoice = self._invoice()
        wizard = Form(
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=invoice.ids
            )
        )
        wizard.reason = "Marchandise abîmée"
        wizard.fr_credit_reason_id = self.env.ref(
            "billing_fr_compliance.billing_fr_credit_reason_return"
        )
        wizard.journal_id = invoice.journal_id
        action = wizard.save().refund_moves()
        refund = self.env["account.move"].browse(action["res_id"])
        self.assertFalse(refund.billing_pa_send_state)  # a draft is not sent
        refund.action_post()
        self.assertEqual(refund.billing_pa_send_state, "to_send")
        self._send_queue()
        self.assertEqual((invoice + refund).mapped("billing_pa_send_state"), ["sent", "sent"])
        self.assertIn(
            b"<ram:TypeCode>381</ram:TypeCode>",
            embedded_facturx(refund.billing_pa_flow_id.attachment_id.raw),
        )

    def test_printed_invoice_is_sent_as_printed(self):
        """An invoice printed (Send & Print) before the queue sends it goes out as that very
        PDF, not a second rendering."""
        bank = self.env["res.partner.bank"].create(
            {
                "acc_number": "FR7630006000011234567890189",
                "partner_id": self.company.partner_id.id,
                "allow_out_payment": True,
            }
        )
        self.company_data["default_journal_sale"].bank_account_id = bank
        invoice = self._invoice()
        send_and_print(self.env, invoice)
        printed = invoice.invoice_pdf_report_id.raw
        self.assertEqual(embedded_facturx(printed), invoice._fr_facturx_build()[0])
        self._send_queue()
        self.assertEqual(invoice.billing_pa_send_state, "sent")
        self.assertEqual(invoice.billing_pa_flow_id.attachment_id.raw, printed)
        self.assertEqual(invoice.invoice_pdf_report_id.raw, printed)

    def test_invalid_facturx_is_not_sent(self):
        """A document whose Factur-X breaks a rule never leaves: its flow is in error with
        the rule's message, and nothing reaches the platform."""
        self.company.fr_gate_mode = "off"  # the posting gate would refuse it first
        self.customer.write({"siren": False, "siret": False, "vat": False})
        invoice = self._invoice()
        self._send_queue()
        flow = invoice.billing_pa_flow_id
        self.assertEqual((flow.state, flow.error_code), ("error", "FACTURX"))
        self.assertIn("(BR-FR-11)", invoice.billing_pa_error)
        self.assertFalse(invoice.invoice_pdf_report_id)
        self.assertFalse(flow.attachment_id)
        self.assertEqual(self.session.log, [])

    def test_pdf_not_made_is_retried(self):
        """When the PDF cannot be made (wkhtmltopdf fails), the flow waits and is retried,
        like a platform that does not answer; nothing is sent meanwhile."""
        invoice = self._invoice()
        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "_run_wkhtmltopdf", side_effect=UserError("Wkhtmltopdf failed")):
            self._send_queue()
        flow = invoice.billing_pa_flow_id
        self.assertEqual((flow.state, flow.error_code), ("to_send", "PDF"))
        self.assertIn("Wkhtmltopdf failed", invoice.billing_pa_error)
        self.assertGreater(flow.next_attempt_date, fields.Datetime.now())
        self.assertFalse(invoice.invoice_pdf_report_id)
        self.assertEqual(self.session.log, [])
        flow.next_attempt_date = fields.Datetime.now()
        self._send_queue()
        self.assertEqual(flow.state, "sent", f"{flow.error_code}: {flow.error_message}")

    def test_b2c_rule(self):
        # sent as an invoice flow when the platform makes the e-reporting (test_ereport)
        self.platform.billing_ereport_reporter = "platform"
        invoice = self._invoice(self.private)
        self.assertEqual(invoice.billing_pa_flow_id.processing_rule, "B2C")

    def test_429_then_202(self):
        invoice = self._invoice()
        flow = invoice.billing_pa_flow_id
        self.session.prefer.append("code=429, dynamic=false")
        self._send_queue()
        self.assertEqual(flow.state, "to_send")
        self.assertEqual(flow.error_code, "TOO_MANY_REQUESTS")
        self.assertGreater(flow.next_attempt_date, fields.Datetime.now())
        self.assertIn("retried automatically", invoice.billing_pa_error)
        # not due yet: nothing is sent
        self.assertEqual(self._send_queue(), 0)
        flow.next_attempt_date = fields.Datetime.now()
        self.session.prefer.append("example=none")  # the platform does not hold it
        self._send_queue()
        self.assertEqual(flow.state, "sent")
        # the second attempt looked the trackingId up before sending again
        self.assertEqual(
            [e[:3] for e in self.session.log],
            [
                ("POST", "/v1/flows", 429),
                ("POST", "/v1/flows/search", 200),
                ("POST", "/v1/flows", 202),
            ],
        )

    def test_crash_between_sending_and_commit(self):
        """The worker sends a flow, the platform takes it, then the worker dies before the
        commit of the result. What the worker committed before the call (the attempt and
        the lease) survives; the next run asks the platform for the trackingId before
        sending anything."""
        invoice = self._invoice()
        flow = invoice.billing_pa_flow_id
        flow.tracking_id = self.HELD  # the one the platform answers it holds
        Flow = type(self.env["billing.pa.flow"])
        send_one = Flow._billing_pa_send_one

        class Crash(Exception):
            pass

        def send_then_crash(flow, client):
            send_one(flow, client)
            flow.env.flush_all()  # the result reached the database, not its commit
            raise Crash

        def commit(flows):  # each commit becomes a savepoint: the crash loses what follows
            flows.env.flush_all()
            flows.env.cr.execute("SAVEPOINT billing_pa_crash")

        crashed = False
        # (not assertRaises: Odoo's rolls back to its own savepoint, before the "commit")
        with (
            patch.object(Flow, "_billing_pa_commit", commit),
            patch.object(Flow, "_billing_pa_send_one", send_then_crash),
        ):
            try:
                self._send_queue()
            except Crash:
                crashed = True
        self.assertTrue(crashed)
        self.env.cr.execute("ROLLBACK TO SAVEPOINT billing_pa_crash")
        self.env.invalidate_all()
        self.assertEqual(self.session.log[-1][:3], ("POST", "/v1/flows", 202))
        self.assertEqual((flow.state, flow.attempts), ("to_send", 1))
        self.assertGreater(flow.next_attempt_date, fields.Datetime.now())  # leased
        self.assertEqual(self._send_queue(), 0)
        flow.next_attempt_date = fields.Datetime.now()  # the lease is over
        self.session.log.clear()
        self.session.prefer.append("example=held")  # it holds the flow of the first attempt
        self._send_queue()
        # one look-up, no second POST: the platform's flow is taken as ours
        [(method, path, status, body)] = self.session.log
        self.assertEqual((method, path, status), ("POST", "/v1/flows/search", 200))
        self.assertEqual(body["where"]["trackingId"], self.HELD)
        self.assertEqual((flow.state, flow.attempts), ("sent", 2))
        self.assertEqual(flow.platform_flow_id, "flow-held-1")
        self.assertEqual(invoice.billing_pa_send_state, "sent")

    def test_queue_jobs(self):
        if "queue.job" not in self.env:
            self.skipTest("OCA queue_job is not installed")
        self.env["ir.config_parameter"].sudo().set_param(
            "billing_fr_compliance.pa_use_queue_job", "1"
        )
        invoices = self._invoice() + self._invoice() + self._invoice()
        Flow = self.env["billing.pa.flow"]
        self.assertEqual(Flow._cron_billing_pa_send(chunk=2), 2)  # two jobs
        self.assertEqual(Flow._cron_billing_pa_send(chunk=2), 2)  # the same, not twice
        jobs = self.env["queue.job"].sudo().search([("method_name", "=", "_billing_pa_send_job")])
        self.assertEqual(len(jobs), 2)
        self.assertEqual(set(invoices.mapped("billing_pa_send_state")), {"to_send"})
        from odoo.addons.queue_job.job import Job

        for record in jobs:  # what the job runner does
            job = Job.load(self.env, record.uuid)
            job.set_started()
            with mute_logger("odoo.addons.base.models.ir_actions_report"):  # wkhtmltopdf's qt
                job.perform()
            job.set_done()
            job.store()
        self.assertEqual(set(invoices.mapped("billing_pa_send_state")), {"sent"})

    def test_rejected_shows_what_to_fix(self):
        invoice = self._invoice()
        self.session.prefer.append("code=422, dynamic=false")
        self._send_queue()
        self.assertEqual(invoice.billing_pa_send_state, "error")
        self.assertIn("UNPROCESSABLE_ENTITY", invoice.billing_pa_error)
        self.assertIn("Send to platform", invoice.billing_pa_error)
        # not retried
        self.assertEqual(self._send_queue(), 0)
        # the user fixes and sends again: a new flow
        invoice.action_billing_pa_send()
        self.assertEqual(invoice.billing_pa_send_state, "to_send")
        self.assertEqual(len(invoice.billing_pa_flow_ids), 2)

    def test_401_stops_the_platform_with_one_activity(self):
        invoices = self._invoice() + self._invoice()
        self.session.prefer.extend(["code=401"] * 5)
        self._send_queue()
        self.assertEqual(self.platform.state, "stopped")
        self.assertEqual(len(self.platform.activity_ids), 1)
        self.assertEqual(set(invoices.mapped("billing_pa_send_state")), {"to_send"})
        self.assertEqual(len(self.session.log), 1)  # one call, then the queue stopped
        self.platform.action_resume()
        self.session.prefer.clear()
        self._send_queue()
        self.assertEqual(set(invoices.mapped("billing_pa_send_state")), {"sent"})

    def test_two_companies_two_platforms(self):
        company_b = self.env["res.company"].create(
            {"name": "Second SAS", "country_id": self.env.ref("base.fr").id}
        )
        platform_b = self.env["billing.pa.platform"].create(
            {
                "name": "PA B",
                "company_id": company_b.id,
                "flow_url": self.urls["flow"],
                "bearer_token": "other-token",
                "state": "ok",  # in service, as after its connection test
            }
        )
        invoice = self._invoice()
        flow_b = self.env["billing.pa.flow"].create(
            {
                "platform_id": platform_b.id,
                "company_id": company_b.id,
                "flow_type": "lifecycle",
                "file_name": "status.xml",
                "flow_syntax": "CDAR",
            }
        )
        flow_b._billing_pa_store_content(b"<status/>")
        self.assertEqual(invoice.billing_pa_flow_id.platform_id, self.platform)
        self.assertEqual(self._send_queue(), 2)
        self.assertEqual(invoice.billing_pa_send_state, "sent")
        self.assertEqual(flow_b.state, "sent")
        # a 401 on one platform does not stop the other's
        platform_b.action_resume()
        with self.assertRaises(ValidationError):
            self.env["billing.pa.platform"].create(
                {"name": "PA 2", "company_id": self.company.id, "flow_url": "http://x"}
            )

    def test_new_platform_is_stopped_until_its_connection_test_passes(self):
        company_b = self.env["res.company"].create(
            {"name": "Second SAS", "country_id": self.env.ref("base.fr").id}
        )
        platform = self.env["billing.pa.platform"].create(
            {
                "name": "PA B",
                "company_id": company_b.id,
                "flow_url": "http://127.0.0.1:9",  # nothing answers there
                "bearer_token": "other-token",
            }
        )
        self.assertEqual(platform.state, "stopped")
        self.assertIn("Test connection", platform.stop_reason)
        flow = self.env["billing.pa.flow"].create(
            {
                "platform_id": platform.id,
                "company_id": company_b.id,
                "flow_type": "lifecycle",
                "file_name": "status.xml",
                "flow_syntax": "CDAR",
            }
        )
        flow._billing_pa_store_content(b"<status/>")
        self.assertEqual(self._send_queue(), 0, "nothing leaves before the test")
        with self.assertRaisesRegex(UserError, "did not answer the healthcheck"):
            platform.action_test_connection()
        self.assertEqual(platform.state, "stopped")
        platform.flow_url = self.urls["flow"]
        action = platform.action_test_connection()
        self.assertIn("running now", action["params"]["message"])
        self.assertEqual((platform.state, platform.stop_reason), ("ok", False))
        self.assertEqual(self._send_queue(), 1)
        self.assertEqual(flow.state, "sent")

    def test_send_button_only_where_it_can_work(self):
        self.platform.active = False
        invoice = self._invoice()
        self.assertFalse(invoice.billing_pa_can_send, "no platform: no button")
        # the message names the menu as the menus say it (Community: Invoicing)
        path = "Invoicing > Configuration > E-invoicing platforms"
        with self.assertRaisesRegex(UserError, "has no e-invoicing platform: add one in " + path):
            invoice.action_billing_pa_send()
        self.env.ref("account.menu_finance_configuration").name = "Settings of invoicing"
        with self.assertRaisesRegex(UserError, "Invoicing > Settings of invoicing > E-invoicing"):
            invoice.action_billing_pa_send()
        self.platform.active = True
        invoice.invalidate_recordset(["billing_pa_can_send"])
        self.assertTrue(invoice.billing_pa_can_send)
        invoice.action_billing_pa_send()
        self.assertEqual(invoice.billing_pa_send_state, "to_send")
        self.assertFalse(invoice.billing_pa_can_send, "queued: nothing more to do")
        draft = invoice.copy()
        self.assertFalse(draft.billing_pa_can_send)
        # the form's button reads that field
        arch = self.env["account.move"].get_view(view_type="form")["arch"]
        self.assertIn('name="action_billing_pa_send"', arch)
        self.assertIn('invisible="not billing_pa_can_send"', arch)

    def test_no_platform_no_flow(self):
        self.platform.active = False
        invoice = self._invoice()
        self.assertFalse(invoice.billing_pa_send_state)
        with self.assertRaises(UserError):
            invoice.action_billing_pa_send()
        self.platform.active = True

    def test_poll_lifecycle_keeps_the_cursor_without_the_hook(self):
        handled = self.platform._billing_pa_poll_lifecycle()
        self.assertTrue(self.platform.last_poll_date)
        self.assertEqual(self.session.log[0][:3], ("POST", "/v1/flows/search", 200))
        if not hasattr(self.env["account.move"], "_billing_pa_record_cdar"):
            self.assertFalse(self.platform.lifecycle_cursor)
        self.assertGreaterEqual(handled, 0)
        self.assertEqual(self.session.log[0][3]["where"]["flowType"], ["CustomerInvoiceLC"])


@tagged("post_install", "-at_install")
class TestBillingPaDirectory(BillingPaCase):
    """The PA directory on the customer, BT-49 and the public-sector requirements."""

    def test_lookup_fills_the_partner_and_bt49(self):
        partner = self.customer
        partner.write({"vat": False, "siren": "702042755"})  # the SIREN of the spec's examples
        # the spec's own example answer (a public entity with a routing code)
        self.session.prefer.append("code=200, dynamic=false")
        partner.action_billing_pa_lookup()
        method, path, __, body = self.session.log[-1]
        self.assertEqual((method, path), ("POST", "/v1/directory-line/search"))
        self.assertEqual(body["filters"]["siren"]["value"], "702042755")
        self.assertEqual(partner.billing_pa_address, "702042755_70204275500240_dcsc456sdcsdcs556")
        self.assertTrue(partner.billing_pa_directory_date)
        self.assertTrue(partner.billing_pa_public)
        self.assertTrue(partner.billing_pa_requires_commitment)
        # a public buyer that requires its commitment number: refused at posting
        with self.assertRaisesRegex(UserError, "commitment number"):
            self._invoice(partner)
        move_form = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
        move_form.partner_id = partner
        move_form.invoice_date = self.invoice_date
        move_form.ref = "EJ-2026-042"
        with move_form.invoice_line_ids.new() as line:
            line.product_id = self.service
        invoice = move_form.save()
        invoice.action_post()
        xml, messages = invoice._fr_facturx_build(force=True)
        self.assertEqual(messages, [])  # XSD, EN16931 and BR-FR: no fired rule
        self.assertIn(
            b'<ram:URIID schemeID="0225">702042755_70204275500240_dcsc456sdcsdcs556</ram:URIID>',
            xml,
        )

    def test_lookup_not_in_directory(self):
        with self.assertRaisesRegex(UserError, "not in the e-invoicing directory"):
            # Prism's generated lines are other companies': this SIREN is not found
            self.customer.action_billing_pa_lookup()
