# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestNotifyWithoutEmail(BillingFrCommon):
    """The chatter warning of an invoice posted with missing mentions never blocks the
    posting: a billing user without e-mail address posts, the company's bot writes it."""

    def test_billing_user_without_email_posts_with_a_warning(self):
        clerk = self.env["res.users"].create(
            {
                "name": "Comptable Sans Courriel",
                "login": "comptable_sans_courriel",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        self.assertFalse(clerk.email)
        self.company.fr_gate_mode = "warn"
        self.customer.write({"siren": False, "vat": False})
        invoice = self._invoice()
        invoice.with_user(clerk).action_post()
        self.assertEqual(invoice.state, "posted")
        warning = invoice.message_ids.filtered(lambda m: "Customer SIREN" in (m.body or ""))
        self.assertEqual(len(warning), 1)
        self.assertEqual(warning.author_id, self.env.ref("base.partner_root"))
