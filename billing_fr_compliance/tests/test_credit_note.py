# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestCreditNote(BillingFrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=cls.invoice_date,
            products=cls.goods + cls.service,
            post=True,
        )

    def _reverse(self, reason="Marchandise abîmée"):
        wizard = Form(
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=self.invoice.ids
            )
        )
        wizard.reason = reason or ""
        wizard.fr_credit_reason_id = self.env.ref(
            "billing_fr_compliance.billing_fr_credit_reason_return"
        )
        wizard.journal_id = self.invoice.journal_id
        action = wizard.save().refund_moves()
        return self.env["account.move"].browse(action["res_id"])

    def test_credit_note_from_the_reversal_wizard(self):
        refund = self._reverse()
        self.assertEqual(refund.fr_credit_reason, "Marchandise abîmée")
        self.assertEqual(refund.reversed_entry_id, self.invoice)
        refund.action_post()
        self.assertEqual(refund.state, "posted")

    def test_reason_required(self):
        refund = self._reverse(reason=False)
        with self.assertRaisesRegex(UserError, "Reason of the credit note"):
            refund.action_post()
        refund.fr_credit_reason = "Remise commerciale"
        refund.action_post()
        self.assertEqual(refund.state, "posted")

    def test_original_invoice_required(self):
        refund = self._invoice(
            move_type="out_refund",
            fr_credit_reason="Retour",
            fr_credit_reason_id=self.env.ref(
                "billing_fr_compliance.billing_fr_credit_reason_return"
            ),
        )
        with self.assertRaisesRegex(UserError, "Original invoice of the credit note"):
            refund.action_post()
        refund.reversed_entry_id = self.invoice
        refund.action_post()
        self.assertEqual(refund.state, "posted")

    def test_cannot_credit_more_than_the_invoice(self):
        first = self._reverse()
        first.action_post()
        # the invoice is fully credited: a second credit note is refused, even in warn mode
        self.company.fr_gate_mode = "warn"
        second = self._invoice(
            move_type="out_refund",
            fr_credit_reason="Doublon",
            fr_credit_reason_id=self.env.ref(
                "billing_fr_compliance.billing_fr_credit_reason_duplicate"
            ),
            reversed_entry_id=self.invoice,
        )
        with self.assertRaisesRegex(UserError, "more than the invoice"):
            second.action_post()
        self.assertEqual(second.state, "draft")
        # a billing user cannot force it; a billing manager can
        user = new_test_user(
            self.env,
            login="fr_billing_user",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        with self.assertRaises(UserError):
            second.with_user(user).action_post()
        with self.assertRaises(AccessError):
            second.with_user(user).write({"fr_force_credit": True})
        manager = new_test_user(
            self.env,
            login="fr_billing_manager",
            groups="account.group_account_manager",
            company_id=self.company.id,
        )
        second.with_user(manager).fr_force_credit = True
        second.with_user(manager).action_post()
        self.assertEqual(second.state, "posted")

    def test_partial_credit_notes_up_to_the_invoice(self):
        half = self._invoice(
            move_type="out_refund",
            fr_credit_reason="Remise",
            fr_credit_reason_id=self.env.ref(
                "billing_fr_compliance.billing_fr_credit_reason_discount"
            ),
            reversed_entry_id=self.invoice,
            products=self.goods,
        )
        half.action_post()
        rest = self._invoice(
            move_type="out_refund",
            fr_credit_reason="Retour",
            fr_credit_reason_id=self.env.ref(
                "billing_fr_compliance.billing_fr_credit_reason_return"
            ),
            reversed_entry_id=self.invoice,
            products=self.service,
        )
        rest.action_post()
        self.assertEqual(rest.state, "posted")
        self.assertEqual(sum((half + rest).mapped("amount_total")), self.invoice.amount_total)
