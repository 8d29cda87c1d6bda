# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# (billing quality, issue 22: demo data of the report)
from datetime import timedelta

from odoo import Command, api, fields, models

# three operators of different quality: (login, name, invoices, refused first, corrected)
DEMO_OPERATORS = [
    ("demo_operator_alice", "Alice Fournier", 12, 0, 1),
    ("demo_operator_bruno", "Bruno Lambert", 10, 3, 2),
    ("demo_operator_chloe", "Chloé Roussel", 8, 5, 3),
]
# what the gate found missing on the first attempt of the refused ones, in turn
DEMO_MISSING = [
    "buyer_siren",
    "purchase_order,delivery_address",
    "line_tax",
    "buyer_siren,line_description",
    "delivery_address",
]
DEMO_REASONS = ["price", "return", "discount", "duplicate"]


class BillingFrRefusal(models.Model):
    _inherit = "billing.fr.refusal"

    @api.model
    def _billing_fr_quality_demo_data(self):
        """Demo: three billing clerks of the demo company who posted invoices over the last
        three months, the first always right, the second and third refused by the gate before
        fixing some (their refusals recorded as the gate records them) and correcting others
        by credit notes within 30 days, so that the billing quality report is alive. Run
        again, it adds nothing."""
        b2b = self.env.ref("billing_fr_compliance.invoice_demo_b2b", raise_if_not_found=False)
        if not b2b or b2b.state != "posted":
            return False
        company = b2b.company_id
        lang = self.env["res.lang"]._get_code("fr_FR") or self.env.lang
        env = self.with_context(lang=lang, tz="Europe/Paris").env
        Users = env["res.users"].with_context(no_reset_password=True)
        if Users.search_count([("login", "=", DEMO_OPERATORS[0][0])]):
            return False
        partners = [
            env.ref("billing_fr_compliance.partner_demo_martin"),
            env.ref("billing_fr_compliance.partner_demo_moreau"),
        ]
        product = env.ref("billing_fr_compliance.product_demo_renovation")
        reasons = [
            env.ref(f"billing_fr_compliance.billing_fr_credit_reason_{code}")
            for code in DEMO_REASONS
        ]
        today = fields.Date.context_today(self)
        step = 0
        for login, name, count, refused, corrected in DEMO_OPERATORS:
            user = Users.create(
                {
                    "name": name,
                    "login": login,
                    "lang": lang,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set(env.ref("account.group_account_invoice").ids)],
                }
            )
            for i in range(count):
                step += 1
                date = today - timedelta(days=5 + (step * 37) % 85)
                move = env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "company_id": company.id,
                        "partner_id": partners[step % 2].id,
                        "invoice_date": date,
                        # due in 30 days, whatever the customer's usual terms
                        "invoice_payment_term_id": False,
                        "invoice_date_due": date + timedelta(days=30),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 1 + step % 4,
                                    "price_unit": 120.0 + 35 * (step % 7),
                                }
                            )
                        ],
                    }
                )
                if i < refused:
                    # the refusal the clerk met before fixing the invoice
                    self.sudo().create(
                        {
                            "move_id": move.id,
                            "user_id": user.id,
                            "company_id": company.id,
                            "date": fields.Datetime.to_datetime(date) + timedelta(hours=9),
                            "mentions": DEMO_MISSING[step % len(DEMO_MISSING)],
                        }
                    )
                move.with_user(user).action_post()
                if count - i <= corrected:
                    wizard = (
                        env["account.move.reversal"]
                        .with_user(user)
                        .with_context(active_model="account.move", active_ids=move.ids)
                        .create(
                            {
                                "reason": "Correction de la facture",
                                "fr_credit_reason_id": reasons[step % len(reasons)].id,
                                "date": min(date + timedelta(days=3 + step % 20), today),
                                "journal_id": move.journal_id.id,
                            }
                        )
                    )
                    refund = env["account.move"].browse(wizard.refund_moves()["res_id"])
                    refund.with_user(user).action_post()
        return True
