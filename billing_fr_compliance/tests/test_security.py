# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Access: the role matrix of the README, company isolation of every model, the files the
platform queue may send, and no action of one company run by a user of another."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import BillingFrCommon
from .security_common import (
    actual_matrix,
    assert_isolated,
    models_without_rule,
    unchecked_relations,
)

# The table of docs/security.md: per model, what each role may do (r read, w write,
# c create, d delete; "-" nothing). Roles: internal user, billing user (Accounting:
# Invoicing), billing manager (Accounting: Administrator), stock user (Inventory: User),
# portal user.
MATRIX = {
    "billing.fr.ereport": ("-", "rwc", "rwcd", "-", "-"),
    "billing.fr.ereport.line": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.fr.rate": ("-", "r", "rwcd", "-", "-"),
    "billing.fr.numbering.check": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.fr.numbering.check.line": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.pa.platform": ("-", "r", "rwcd", "-", "-"),
    "billing.pa.flow": ("-", "r", "rwcd", "-", "-"),
    "billing.pa.status": ("-", "r", "rwcd", "-", "-"),
    "billing.pa.status.answer": ("-", "rwc", "rwc", "-", "-"),
    "billing.fr.credit.reason": ("-", "r", "rwcd", "-", "-"),
    "billing.fr.refusal": ("-", "r", "r", "-", "-"),
    "billing.fr.quality.report": ("-", "r", "r", "-", "-"),
}
# national data, the same for every company (no company_id): no company rule
SHARED = {"billing.fr.rate", "billing.fr.credit.reason"}
# relations without a company check, and why: the check has no company (it covers the
# journals of the user's companies, which their own rules filter)
NO_COMPANY_CHECK = ["billing.fr.numbering.check.journal_ids"]


@tagged("post_install", "-at_install")
class TestSecurity(BillingFrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fr_gate_mode = "off"
        cls.company_b = cls.setup_other_company(name="Security B")["company"]
        cls.user_a = new_test_user(
            cls.env,
            login="sec_fr_user_a",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="sec_fr_manager_b",
            groups="account.group_account_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.platform = cls.env["billing.pa.platform"].create(
            {
                "name": "Platform of A",
                "company_id": cls.company.id,
                # nothing listens: a call that should not happen fails at once
                "flow_url": "http://127.0.0.1:9/secret-path-of-a",
                "bearer_token": "token-of-a",
                "state": "ok",
            }
        )
        cls.move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [Command.create({"name": "Service", "price_unit": 100.0})],
            }
        )
        cls.move.action_post()
        # an e-report of company A and its content
        cls.ereport = cls.env["billing.fr.ereport"].create(
            {
                "company_id": cls.company.id,
                "kind": "transactions",
                "date_start": "2026-11-01",
                "date_end": "2026-11-30",
                "deadline": "2026-12-10",
            }
        )
        cls.env["billing.fr.ereport.line"].create(
            {"report_id": cls.ereport.id, "section": "left_out", "move_id": cls.move.id}
        )
        # a file that is not the addon's: someone else's document
        cls.foreign = cls.env["ir.attachment"].create(
            {
                "name": "contract.pdf",
                "raw": b"SECRET CONTRACT",
                "res_model": "res.partner",
                "res_id": cls.customer.id,
                "company_id": cls.company.id,
            }
        )

    def _flow(self, **values):
        return (
            self.env["billing.pa.flow"]
            .sudo()
            .create(
                {
                    "platform_id": self.platform.id,
                    "company_id": self.company.id,
                    "move_id": self.move.id,
                    "flow_type": "lifecycle",
                    "flow_syntax": "CDAR",
                    "file_name": "status.xml",
                    **values,
                }
            )
        )

    # ------------------------------------------------------------------ role matrix
    def test_role_matrix_is_the_readme(self):
        self.assertEqual(actual_matrix(self, "billing_fr_compliance", self.company), MATRIX)

    def test_every_model_has_a_record_rule(self):
        self.assertEqual(models_without_rule(self.env, "billing_fr_compliance", SHARED), [])

    def test_relations_to_company_records_are_checked(self):
        self.assertEqual(unchecked_relations(self.env, "billing_fr_compliance"), NO_COMPANY_CHECK)

    # ------------------------------------------------------------------ item 1
    def test_billing_user_cannot_create_statuses_or_flows(self):
        with self.assertRaises(AccessError):
            self.env["billing.pa.status"].with_user(self.user_a).create(
                {
                    "company_id": self.company.id,
                    "code": "212",
                    "direction": "out",
                    "send_state": "waiting",
                    "move_id": self.move.id,
                    "attachment_id": self.foreign.id,
                }
            )
        with self.assertRaises(AccessError):
            self.env["billing.pa.flow"].with_user(self.user_a).create(
                {
                    "platform_id": self.platform.id,
                    "company_id": self.company.id,
                    "flow_type": "lifecycle",
                    "file_name": "x.xml",
                    "attachment_id": self.foreign.id,
                }
            )
        flow = self._flow()
        with self.assertRaises(AccessError):
            flow.with_user(self.user_a).write({"attachment_id": self.foreign.id})

    def test_foreign_file_of_a_status_is_never_queued(self):
        status = (
            self.env["billing.pa.status"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "move_id": self.move.id,
                    "code": "212",
                    "direction": "out",
                    "send_state": "waiting",
                    "attachment_id": self.foreign.id,
                }
            )
        )
        status._billing_pa_enqueue_waiting()
        flow = self.move.billing_pa_flow_ids.filtered(lambda f: f.flow_type == "lifecycle")
        self.assertEqual(len(flow), 1)
        self.assertEqual((flow.state, flow.error_code), ("error", "ATTACHMENT"))
        self.assertFalse(flow.attachment_id)
        copies = self.env["ir.attachment"].search(
            [("res_model", "=", "billing.pa.flow"), ("res_id", "=", flow.id)]
        )
        self.assertFalse(copies, "the foreign file was copied into the queue")
        self.assertEqual(status.send_state, "queued")

    def test_own_file_of_a_status_is_queued(self):
        status = (
            self.env["billing.pa.status"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "move_id": self.move.id,
                    "code": "212",
                    "direction": "out",
                    "send_state": "waiting",
                }
            )
        )
        status.attachment_id = self.env["account.move"]._billing_pa_cdar_attachment(
            status, b"<cdar/>"
        )
        status._billing_pa_enqueue_waiting()
        flow = self.move.billing_pa_flow_ids.filtered(lambda f: f.flow_type == "lifecycle")
        self.assertEqual(flow.state, "to_send")
        self.assertEqual(flow.attachment_id.raw, b"<cdar/>")

    def test_foreign_file_of_a_flow_is_never_sent(self):
        flow = self._flow(attachment_id=self.foreign.id)
        flow._billing_pa_send_one(flow.platform_id._billing_pa_client())
        self.assertEqual((flow.state, flow.error_code), ("error", "ATTACHMENT"))
        self.assertFalse(flow.platform_flow_id)

    def test_billing_user_retries_a_flow(self):
        flow = self._flow(state="error", error_code="500")
        flow.with_user(self.user_a).action_retry()
        self.assertEqual(flow.state, "to_send")

    # ------------------------------------------------------------------ item 2
    def test_other_company_cannot_use_the_platform(self):
        platform = self.platform.with_user(self.manager_b)
        with self.assertRaises(AccessError):
            platform.action_test_connection()
        with self.assertRaises(AccessError):
            platform._billing_pa_client()

    def test_other_company_cannot_act_on_flows_and_invoices(self):
        flow = self._flow(state="error", error_code="500")
        with self.assertRaises(AccessError):
            flow.with_user(self.manager_b).action_retry()
        self.assertEqual(flow.state, "error")
        with self.assertRaises(AccessError):
            self.move.with_user(self.manager_b).action_billing_pa_send()
        for action in ("action_fr_facturx_check", "action_fr_facturx_download"):
            with self.assertRaises(AccessError, msg=action):
                getattr(self.move.with_user(self.manager_b), action)()

    def test_answer_wizard_of_another_company(self):
        Answer = self.env["billing.pa.status.answer"].with_user(self.manager_b)
        with self.assertRaises(AccessError):
            Form(Answer.with_context(default_move_id=self.move.id))
        with self.assertRaises(UserError):  # AccessError is a UserError
            Answer.create({"move_id": self.move.id, "code": "220"})

    # ------------------------------------------------------------------ item 3 and 5
    def test_company_b_sees_nothing_of_company_a(self):
        self._flow()
        self.env["billing.pa.status"].sudo().create(
            {"company_id": self.company.id, "move_id": self.move.id, "code": "205"}
        )
        Answer = self.env["billing.pa.status.answer"].with_user(self.user_a)
        Answer.create({"move_id": self.move.id, "code": "220"})
        check = self.env["billing.fr.numbering.check"].with_user(self.user_a).create({})
        # a gate refusal of company A (the quality report has its posted invoice)
        self.env["billing.fr.refusal"].sudo().create(
            {"move_id": self.move.id, "user_id": self.user_a.id, "company_id": self.company.id}
        )
        self.env["billing.fr.numbering.check.line"].with_user(self.user_a).create(
            {
                "check_id": check.id,
                "kind": "gap",
                "journal_id": self.move.journal_id.id,
                "move_id": self.move.id,
            }
        )
        for model in MATRIX:
            if model in SHARED:
                self.assertNotIn("company_id", self.env[model]._fields, model)
                continue
            assert_isolated(self, self.manager_b, self.env[model].sudo().search([]))

    def test_wizards_are_their_user_s_own(self):
        other_a = new_test_user(
            self.env,
            login="sec_fr_other_a",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        answer = (
            self.env["billing.pa.status.answer"]
            .with_user(self.user_a)
            .create({"move_id": self.move.id, "code": "220"})
        )
        check = self.env["billing.fr.numbering.check"].with_user(self.user_a).create({})
        for wizard in (answer, check):
            assert_isolated(self, other_a, wizard.sudo())

    def test_relations_checked_against_the_company(self):
        invoice_b = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create({"move_type": "out_invoice", "partner_id": self.customer.id})
        )
        with self.assertRaises(UserError):
            self.env["billing.pa.status.answer"].create(
                {"company_id": self.company.id, "move_id": invoice_b.id, "code": "220"}
            )
        attachment_b = self.env["ir.attachment"].create(
            {"name": "b.xml", "raw": b"<b/>", "company_id": self.company_b.id}
        )
        with self.assertRaises(UserError):
            self.env["billing.pa.status"].create(
                {"company_id": self.company.id, "code": "205", "attachment_id": attachment_b.id}
            )
        with self.assertRaises(UserError):
            self._flow(attachment_id=attachment_b.id)

    def test_cdar_with_doctype_refused_with_a_clear_message(self):
        xml = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
        )
        with self.assertRaisesRegex(UserError, "DOCTYPE"):
            self.env["account.move"]._billing_pa_record_cdar(xml, platform=self.platform)
        self.assertFalse(
            self.env["billing.pa.status"].search([("company_id", "=", self.company.id)])
        )
