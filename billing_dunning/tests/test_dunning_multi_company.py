# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningCheckCompany(DunningCommon):
    """Records of one company never point to a customer, level or invoice of another."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Dunning Check B")["company"]
        cls._switch_off_fr_gate()
        cls.policy_b = cls.env["billing.dunning.policy"].create(
            {
                "name": "Policy B",
                "company_id": cls.company_b.id,
                "level_ids": [(0, 0, {"name": "B1", "delay_days": 1})],
            }
        )
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Only B", "company_id": cls.company_b.id}
        )
        cls.inv_b = cls._invoice(cls.b2b, DUE, 100.0, company=cls.company_b)

    def _reminder_vals(self, **vals):
        return {
            "company_id": self.company.id,
            "partner_id": self.b2b.id,
            "policy_id": self.policy.id,
            "level_id": self.level1.id,
            "date": day(10),
            **vals,
        }

    def test_reminder_fields_checked(self):
        Reminder = self.env["billing.dunning.reminder"]
        Reminder.create(self._reminder_vals())
        for vals in (
            {"partner_id": self.partner_b.id},
            {"contact_id": self.partner_b.id},
            {"level_id": self.policy_b.level_ids.id},
            {"interest_move_id": self.inv_b.id},
            {
                "line_ids": [
                    (0, 0, {"move_id": self.inv_b.id, "currency_id": self.inv_b.currency_id.id})
                ]
            },
        ):
            with self.assertRaises(UserError, msg=str(vals)):
                Reminder.create(self._reminder_vals(**vals))

    def test_followup_partner_checked(self):
        with self.assertRaises(UserError):
            self.env["billing.dunning.followup"].create(
                {"partner_id": self.partner_b.id, "company_id": self.company.id}
            )
