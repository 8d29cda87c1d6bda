# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestNotifyWithoutEmail(DunningCommon):
    """What a billing user records on a follow-up (a pause, a promise to pay) is kept even when
    that user cannot send mail (no e-mail address): the company's bot writes the message."""

    def test_billing_user_without_email_pauses_and_records_a_promise(self):
        clerk = self.env["res.users"].create(
            {
                "name": "Comptable Sans Courriel",
                "login": "comptable_relance_sans_courriel",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        self.assertFalse(clerk.email)
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
        later = date.today() + timedelta(days=20)
        Update = self.env["billing.dunning.followup.update"].with_user(clerk)
        Update.create(
            {"followup_id": followup.id, "action": "pause", "date": later}
        ).action_confirm()
        self.assertEqual(followup.paused_until, later)
        Update.create(
            {"followup_id": followup.id, "action": "promise", "date": later, "amount": 500.0}
        ).action_confirm()
        self.assertEqual(followup.promise_amount, 500.0)
        bot = self.env.ref("base.partner_root")
        for text in ("Reminders paused until", "Promise to pay"):
            message = followup.message_ids.filtered(lambda m, t=text: t in (m.body or ""))
            self.assertEqual(len(message), 1, followup.message_ids.mapped("body"))
            self.assertEqual(message.author_id, bot)
