# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing quality (issue 22): gate refusals recorded although the posting is rolled back,
first time right per operator, credit notes by category and their approval threshold."""

import json
import threading
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestBillingQuality(BillingFrCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="quality_clerk",
            password="quality_clerk",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.other_clerk = new_test_user(
            cls.env,
            login="quality_clerk2",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="quality_manager",
            email="manager@dupont.example",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.price_error = cls.env.ref("billing_fr_compliance.billing_fr_credit_reason_price")
        cls.Report = cls.env["billing.fr.quality.report"]

    # ------------------------------------------------------------------ helpers
    def _rpc(self, user, path, params):
        """A JSON-RPC request of the web client as ``user``: one transaction, rolled back
        when it fails. Returns the JSON-RPC error, or None."""
        self.authenticate(user.login, user.login)
        # the web client shows the refusal; Odoo's request handler logs it as a warning
        with mute_logger("odoo.http"):
            response = self.url_open(
                path,
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
                headers={"Content-Type": "application/json"},
            )
        self.env.invalidate_all()
        return response.json()

    def _click(self, user, move, method):
        """Click a button of ``move`` in the web client as ``user``: one request, rolled
        back when it fails. Returns the JSON-RPC error, or None."""
        return self._rpc(
            user,
            "/web/dataset/call_button",
            {
                "model": move._name,
                "method": method,
                "args": [move.ids],
                "kwargs": {"context": {"lang": "en_US"}},
            },
        ).get("error")

    def _quality(self, domain, fields_=None):
        """The report's sums over ``domain``, as the pivot reads them."""
        fields_ = fields_ or [
            "invoice_count:sum",
            "first_time_right_count:sum",
            "first_time_right_rate:avg",
            "refused_count:sum",
            "refusal_count:sum",
            "refund_count:sum",
            "amount_invoiced:sum",
            "amount_credited:sum",
            "credit_share:avg",
        ]
        self.env.flush_all()
        rows = self.Report._read_group(domain, [], fields_)
        return dict(zip([f.split(":")[0] for f in fields_], rows[0], strict=False))

    def _reverse(self, invoice, user, days, reason=None, category=True):
        wizard = Form(
            self.env["account.move.reversal"]
            .with_user(user)
            .with_context(active_model="account.move", active_ids=invoice.ids)
        )
        self.assertTrue(wizard.fr_reason_required)
        wizard.reason = reason or "Erreur de prix"
        if category:
            wizard.fr_credit_reason_id = self.price_error
        wizard.date = invoice.invoice_date + timedelta(days=days)
        wizard.journal_id = invoice.journal_id
        action = wizard.save().refund_moves()
        refund = self.env["account.move"].browse(action["res_id"])
        refund.invoice_date = invoice.invoice_date + timedelta(days=days)
        return refund

    def _posted_invoice(self, user, price=100.0):
        move = self._invoice(partner=self.customer, products=self.service)
        move.invoice_line_ids.price_unit = price
        move.with_user(user).action_post()
        return move

    # ------------------------------------------------------------------ refusals
    def test_refusal_recorded_although_the_posting_is_rolled_back(self):
        self.customer.siren = False
        move = self._invoice(partner=self.customer, products=self.service)
        error = self._click(self.clerk, move, "action_post")
        self.assertTrue(error, "the gate refuses the invoice")
        self.assertIn("Customer SIREN", error["data"]["message"])
        # the posting was rolled back...
        self.assertEqual(move.state, "draft")
        # ...but what the clerk saw is recorded
        refusal = self.env["billing.fr.refusal"].search([("move_id", "=", move.id)])
        self.assertEqual(len(refusal), 1)
        self.assertEqual(refusal.user_id, self.clerk)
        self.assertEqual(refusal.company_id, self.company)
        self.assertIn("buyer_siren", refusal.mentions.split(","))

        # the clerk fixes the customer and posts: the invoice is not first time right
        self.customer.siren = "552081317"
        self.assertFalse(self._click(self.clerk, move, "action_post"))
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.billing_posted_uid, self.clerk)
        sums = self._quality([("user_id", "=", self.clerk.id)])
        self.assertEqual(sums["invoice_count"], 1)
        self.assertEqual(sums["first_time_right_count"], 0)
        self.assertEqual(sums["first_time_right_rate"], 0.0)
        self.assertEqual(sums["refused_count"], 1)
        self.assertEqual(sums["refusal_count"], 1)
        by_mention = dict(
            self.Report._read_group(
                [("user_id", "=", self.clerk.id), ("kind", "=", "refusal")],
                ["mention"],
                ["mention_count:sum"],
            )
        )
        self.assertEqual(by_mention.get("buyer_siren"), 1)

    def test_refusal_of_a_document_created_by_the_refused_operation(self):
        """Reverse and Create Invoice makes the credit note and posts it in one request: the
        gate's refusal rolls the credit note back, the refusal is recorded without it."""
        invoice = self._posted_invoice(self.clerk)
        self.customer.siren = False
        wizard_id = self._rpc(
            self.clerk,
            "/web/dataset/call_kw/account.move.reversal/web_save",
            {
                "model": "account.move.reversal",
                "method": "web_save",
                "args": [
                    [],
                    {
                        "reason": "Erreur de prix",
                        "fr_credit_reason_id": self.price_error.id,
                        "journal_id": invoice.journal_id.id,
                    },
                ],
                "kwargs": {
                    "context": {
                        "lang": "en_US",
                        "active_model": "account.move",
                        "active_ids": invoice.ids,
                    },
                    "specification": {},
                },
            },
        )["result"][0]["id"]
        wizard = self.env["account.move.reversal"].browse(wizard_id)
        before = self.env["billing.fr.refusal"].search([])
        error = self._click(self.clerk, wizard, "modify_moves")
        self.assertTrue(error, "the gate refuses the credit note")
        self.assertIn("Customer SIREN", error["data"]["message"])
        # the credit note was rolled back with the refused request...
        self.assertFalse(invoice.reversal_move_ids)
        self.assertFalse(
            self.env["account.move"].search(
                [("reversed_entry_id", "=", invoice.id), ("move_type", "=", "out_refund")]
            )
        )
        # ...what the clerk saw is recorded, without a link to a document that never was
        refusal = self.env["billing.fr.refusal"].search([]) - before
        self.assertEqual(len(refusal), 1)
        self.assertFalse(refusal.move_id)
        self.assertEqual(refusal.user_id, self.clerk)
        self.assertEqual(refusal.company_id, self.company)
        self.assertIn("buyer_siren", refusal.mentions.split(","))
        # the document as the refusal named it: "<number or draft> (<customer>):"
        self.assertIn(self.customer.name, refusal.document)
        self.assertIn(refusal.document + ":", error["data"]["message"])
        # counted for the clerk, spoils no invoice's first time right
        sums = self._quality([("user_id", "=", self.clerk.id)])
        self.assertEqual(sums["refusal_count"], 1)
        self.assertEqual(sums["invoice_count"], 1)
        self.assertEqual(sums["first_time_right_count"], 1)
        self.assertEqual(sums["refused_count"], 0)

    def test_refusals_of_post_entries_recorded(self):
        """Post entries (Odoo's validate.account.move) posts the compliant documents and
        reports the refused ones: those are recorded once the transaction is committed."""
        nosiren = self.customer.copy({"name": "Sans SIREN SARL", "siren": False, "vat": False})
        good = self._invoice(partner=self.customer, products=self.service)
        bad = self._invoice(partner=nosiren, products=self.service)
        wizard = (
            self.env["validate.account.move"]
            .with_user(self.clerk)
            .with_context(active_model="account.move", active_ids=(good | bad).ids)
            .create({})
        )
        action = wizard.validate_move()
        self.assertIn("refused", action["params"]["title"])
        self.assertEqual(good.state, "posted")
        self.assertEqual(bad.state, "draft")
        Refusal = self.env["billing.fr.refusal"]
        self.assertFalse(Refusal.search([("move_id", "in", (good | bad).ids)]))
        # the request commits: Odoo runs the cursor's post-commit hooks
        self.env.cr.postcommit.run()
        refusal = Refusal.search([("move_id", "in", (good | bad).ids)])
        self.assertEqual(refusal.move_id, bad)
        self.assertEqual(refusal.user_id, self.clerk)
        self.assertIn("buyer_siren", refusal.mentions.split(","))

    def test_refusals_purged_after_the_retention_period(self):
        move = self._invoice(partner=self.customer, products=self.service)
        Refusal = self.env["billing.fr.refusal"].sudo()
        old, recent = Refusal.create(
            [
                {
                    "move_id": move.id,
                    "user_id": self.clerk.id,
                    "company_id": self.company.id,
                    "date": fields.Datetime.now() - timedelta(days=800),
                    "mentions": "buyer_siren",
                },
                {
                    "move_id": move.id,
                    "user_id": self.clerk.id,
                    "company_id": self.company.id,
                    "mentions": "buyer_siren",
                },
            ]
        )
        self.company.billing_refusal_retention_months = 0
        self.env.ref("billing_fr_compliance.billing_fr_refusal_purge_cron").method_direct_trigger()
        self.assertTrue(old.exists(), "0 months: kept forever")
        self.company.billing_refusal_retention_months = 24
        self.env.ref("billing_fr_compliance.billing_fr_refusal_purge_cron").method_direct_trigger()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        # chunked: a second old refusal, one row at a time
        older = Refusal.create(
            {
                "move_id": move.id,
                "user_id": self.clerk.id,
                "company_id": self.company.id,
                "date": fields.Datetime.now() - timedelta(days=900),
            }
        )
        self.assertEqual(Refusal._cron_fr_purge(limit=1), 1)
        self.assertFalse(older.exists())

    def test_refusal_codes_read_from_the_refusal_text(self):
        labels = self.env["account.move"]._fr_mention_labels()
        text = "- {} (line 2). Fix it in: x\n- {}. Fix it in: y\n- Something else".format(
            labels["line_tax"], labels["buyer_siren_invalid"]
        )
        self.assertEqual(
            self.env["account.move"]._fr_refusal_codes(text, labels),
            ["line_tax", "buyer_siren_invalid", "other"],
        )

    # ------------------------------------------------------------------ first time right
    def test_credit_note_within_30_days_spoils_the_invoice(self):
        spoiled = self._posted_invoice(self.clerk, 200.0)
        kept = self._posted_invoice(self.clerk, 300.0)
        self._posted_invoice(self.other_clerk)
        early = self._reverse(spoiled, self.clerk, 10)
        late = self._reverse(kept, self.clerk, 45)
        (early + late).with_user(self.clerk).action_post()
        self.assertEqual((early + late).mapped("fr_credit_reason_id"), self.price_error)
        sums = self._quality([("user_id", "=", self.clerk.id)])
        self.assertEqual(sums["invoice_count"], 2)
        self.assertEqual(sums["first_time_right_count"], 1)
        self.assertAlmostEqual(sums["first_time_right_rate"], 50.0)
        self.assertEqual(sums["refund_count"], 2)
        self.assertAlmostEqual(sums["amount_invoiced"], 500.0)
        self.assertAlmostEqual(sums["amount_credited"], 500.0)
        self.assertAlmostEqual(sums["credit_share"], 100.0)
        # the rate of all operators is the ratio of the sums (3 invoices, 2 right)
        total = self._quality([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(total["first_time_right_rate"], 200.0 / 3)
        by_reason = dict(
            self.Report._read_group(
                [("kind", "=", "refund")], ["credit_reason_id"], ["refund_count:sum"]
            )
        )
        self.assertEqual(by_reason[self.price_error], 2)

    def test_report_of_one_company_only(self):
        self._posted_invoice(self.clerk)
        other = self.setup_other_company(name="Qualité B")["company"]
        other.fr_gate_mode = "off"
        invoice_b = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.invoice_date,
            amounts=[100.0],
            company=other,
        )
        invoice_b.action_post()
        report_a = self.Report.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(set(report_a.search([]).company_id.ids), {self.company.id})
        report_b = self.Report.with_context(allowed_company_ids=other.ids)
        self.assertEqual(report_b.search([]).company_id, other)

    def test_report_read_without_jit(self):
        """The report's queries run with PostgreSQL's JIT off (its compilation costs more than
        the query from about 300,000 documents), and the setting is back afterwards."""
        self._posted_invoice(self.clerk)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SHOW jit")
        before = cr.fetchone()[0]
        queries = []

        def hook(_cr, query, _params, _start, _delay):
            queries.append(query.decode() if isinstance(query, bytes) else str(query))

        thread = threading.current_thread()
        hooks = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*hooks, hook)
        try:
            self.Report.read_group([], ["invoice_count:sum"], ["user_id"], lazy=False)
            # the list view's read (web_search_read), and its count
            self.Report.search_fetch([], ["invoice_count"], limit=10)
            self.Report.search_count([])
        finally:
            thread.query_hooks = hooks
        reads = [i for i, q in enumerate(queries) if "billing_fr_refusal" in q]
        self.assertEqual(len(reads), 3, "read_group, search_fetch, search_count")
        for i in reads:
            # the settings of JIT around each read of the report
            settings = [q for q in queries[:i] if q.startswith("SET LOCAL jit")]
            self.assertEqual(settings[-1], "SET LOCAL jit = off")
            settings = [q for q in queries[i:] if q.startswith("SET LOCAL jit")]
            self.assertEqual(settings[0], "SET LOCAL jit TO DEFAULT")
        cr.execute("SHOW jit")
        self.assertEqual(cr.fetchone()[0], before)

    # ------------------------------------------------------------------ credit notes
    def test_credit_note_needs_a_category(self):
        invoice = self._posted_invoice(self.clerk)
        # asked in Odoo's reversal wizard...
        with self.assertRaisesRegex(AssertionError, "fr_credit_reason_id is a required field"):
            self._reverse(invoice, self.clerk, 5, category=False)
        refund = self._reverse(invoice, self.clerk, 5)
        refund.with_user(self.clerk).action_post()
        self.assertEqual(refund.state, "posted")
        snapshot = refund.fr_legal_snapshot
        self.assertEqual(snapshot["credit_reason_code"], "PRICE")
        # in French when the language is installed
        self.assertIn(snapshot["credit_reason_category"], ("Erreur de prix", "Price error"))
        # ...and refused by the gate on a credit note made by hand
        manual = self._invoice(
            move_type="out_refund", fr_credit_reason="Retour", reversed_entry_id=invoice
        )
        with self.assertRaisesRegex(UserError, "Category of the credit note"):
            manual.with_user(self.clerk).action_post()

    def test_manual_credit_note_category_in_the_form(self):
        invoice = self._posted_invoice(self.clerk)
        form = Form(
            self.env["account.move"]
            .with_user(self.clerk)
            .with_context(default_move_type="out_refund")
        )
        form.partner_id = self.customer
        form.reversed_entry_id = invoice
        form.fr_credit_reason = "Retour"
        form.fr_credit_reason_id = self.env.ref(
            "billing_fr_compliance.billing_fr_credit_reason_return"
        )
        with form.invoice_line_ids.new() as line:
            line.product_id = self.service
            line.price_unit = 50.0
        refund = form.save()
        refund.action_post()
        self.assertEqual(refund.state, "posted")

    def test_approval_threshold_blocks_a_clerk_and_lets_a_manager_through(self):
        self.company.billing_credit_approval_amount = 150.0
        invoice = self._posted_invoice(self.clerk, 1000.0)
        small = self._reverse(invoice, self.clerk, 2)
        small.invoice_line_ids.price_unit = 100.0  # 120 with VAT: below the threshold
        self.assertFalse(small.fr_credit_needs_approval)
        small.with_user(self.clerk).action_post()
        self.assertEqual(small.state, "posted")

        big = self._reverse(invoice, self.clerk, 3)
        big.invoice_line_ids.price_unit = 400.0
        self.assertTrue(big.fr_credit_needs_approval)
        with self.assertRaisesRegex(UserError, "billing manager must approve"):
            big.with_user(self.clerk).action_post()
        self.assertEqual(big.state, "draft")
        with self.assertRaises(AccessError):
            big.with_user(self.clerk).action_fr_credit_approve()

        # the clerk asks: the manager receives an activity, approves, the clerk posts
        big.with_user(self.clerk).action_fr_credit_request_approval()
        self.assertEqual(big.fr_credit_approval, "to_approve")
        activity = big.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(activity), 1)
        big.with_user(self.manager).action_fr_credit_approve()
        self.assertEqual(big.fr_credit_approval, "approved")
        self.assertFalse(big.activity_ids.filtered(lambda a: a.user_id == self.manager))
        self.assertTrue(
            big.message_ids.filtered(lambda m: "approved by quality_manager" in (m.body or ""))
        )
        big.with_user(self.clerk).action_post()
        self.assertEqual(big.state, "posted")

    def test_manager_posting_approves_and_share_threshold(self):
        self.company.billing_credit_approval_share = 50.0
        invoice = self._posted_invoice(self.clerk, 1000.0)
        refund = self._reverse(invoice, self.clerk, 2)
        refund.invoice_line_ids.price_unit = 600.0  # 60 % of the invoice
        with self.assertRaisesRegex(UserError, "approval threshold"):
            refund.with_user(self.clerk).action_post()
        refund.with_user(self.manager).action_post()
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.fr_credit_approval, "approved")
        self.assertTrue(
            refund.message_ids.filtered(lambda m: "approved by quality_manager" in (m.body or ""))
        )

    def test_threshold_off_by_default(self):
        self.assertFalse(self.company.billing_credit_approval_amount)
        self.assertFalse(self.company.billing_credit_approval_share)
        invoice = self._posted_invoice(self.clerk, 10000.0)
        refund = self._reverse(invoice, self.clerk, 1)
        refund.with_user(self.clerk).action_post()
        self.assertEqual(refund.state, "posted")
        self.assertFalse(refund.fr_credit_approval)
