# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DunningCommon(AccountTestInvoicingCommon):
    """A French company, a default policy with three levels, B2B and B2C customers."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.email = "billing@example.com"
        cls._switch_off_fr_gate()
        # the run is tested in one transaction; TestDunningJobs switches the queue_job split on
        cls.env["ir.config_parameter"].sudo().set_param("billing_dunning.use_queue_job", "0")
        cls.cron = cls.env.ref("billing_dunning.ir_cron_billing_dunning_run")
        cls.policy = cls.env["billing.dunning.policy"].create(
            {
                "name": "Standard",
                "company_id": cls.company.id,
                "is_default": True,
                # the run tests check what is sent; TestDunningReview tests the default,
                # reminders prepared for a billing manager's review
                "send_mode": "auto",
                # the run tests walk the schedule at chosen days; TestDunningLevelOrder tests
                # the default, levels sent in order
                "skip_levels": True,
                "level_ids": [
                    Command.create({"name": "Friendly reminder", "sequence": 1, "delay_days": 5}),
                    Command.create(
                        {
                            "name": "Second reminder",
                            "sequence": 2,
                            "delay_days": 20,
                            "channel_phone": True,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Formal notice",
                            "sequence": 3,
                            "delay_days": 40,
                            "channel_letter": True,
                            "add_penalties": True,
                            "formal_notice": True,
                        }
                    ),
                ],
            }
        )
        cls.level1, cls.level2, cls.level3 = cls.policy._sorted_levels()
        Partner = cls.env["res.partner"]
        cls.b2b = Partner.create(
            {"name": "Martin SARL", "is_company": True, "email": "compta@martin.example"}
        )
        cls.b2b_contact = Partner.create(
            {
                "name": "Paul Martin",
                "parent_id": cls.b2b.id,
                "type": "invoice",
                "email": "paul@martin.example",
            }
        )
        cls.b2c = Partner.create({"name": "Claire Moreau", "email": "claire@moreau.example"})
        cls.no_email = Partner.create({"name": "Bernard SA", "is_company": True})

    @classmethod
    def _switch_off_fr_gate(cls):
        """billing_fr_compliance, when installed beside this addon, refuses to post invoices
        that lack a French legal mention; that gate is tested in its own addon."""
        if "fr_gate_mode" in cls.env["res.company"]._fields:
            cls.env["res.company"].search([]).fr_gate_mode = "off"

    @classmethod
    def _invoice(cls, partner, due, amount=1000.0, post=True, company=None):
        """A tax-free customer invoice due on ``due`` (invoice date = due date)."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, move, amount, pay_date):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": pay_date})
            ._create_payments()
        )

    def _run_cron(self):
        self.cron.method_direct_trigger()

    def _reminders(self, partner=None):
        domain = [("company_id", "=", self.company.id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["billing.dunning.reminder"].search(domain)


DUE = date(2025, 3, 3)
