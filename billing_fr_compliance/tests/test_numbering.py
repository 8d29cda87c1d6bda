# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestNumberingIntegrity(BillingFrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.env["account.journal"].create(
            {"name": "Ventes série B", "code": "VB", "type": "sale", "company_id": cls.company.id}
        )
        cls.moves = cls.env["account.move"]
        for day in (1, 2, 3, 4):
            move = cls.init_invoice(
                "out_invoice",
                partner=cls.customer,
                invoice_date=fields.Date.from_string(f"2026-03-0{day}"),
                products=cls.goods,
                journal=cls.journal,
                post=True,
            )
            cls.moves |= move

    def _check(self):
        wizard = Form(self.env["billing.fr.numbering.check"]).save()
        wizard.journal_ids = self.journal
        wizard.action_check()
        return wizard

    def test_continuous_numbering_has_no_anomaly(self):
        wizard = self._check()
        self.assertTrue(wizard.checked)
        self.assertEqual(wizard.anomaly_count, 0)

    def test_finds_an_injected_gap_and_inversion(self):
        first, second, third, fourth = self.moves.sorted("sequence_number")
        # a gap: the third number disappears (third renumbered after the fourth)
        self.env.cr.execute(
            "UPDATE account_move SET sequence_number = sequence_number + 10 WHERE id = %s",
            [fourth.id],
        )
        # an inversion: the second is dated before the first
        self.env.cr.execute(
            "UPDATE account_move SET date = %s WHERE id = %s", ["2026-02-15", second.id]
        )
        self.env.invalidate_all()
        wizard = self._check()
        anomalies = {(line.kind, line.move_id, line.previous_move_id) for line in wizard.line_ids}
        self.assertIn(("gap", fourth, third), anomalies)
        self.assertIn(("inversion", second, first), anomalies)
        gap = wizard.line_ids.filtered(lambda line: line.kind == "gap")
        self.assertEqual(gap.missing_count, 10)

    def test_billing_user_runs_the_check(self):
        user = new_test_user(
            self.env,
            login="fr_numbering_user",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        wizard = Form(self.env["billing.fr.numbering.check"].with_user(user)).save()
        self.assertIn(self.journal, wizard.journal_ids)
        wizard.action_check()
        self.assertEqual(wizard.anomaly_count, 0)

    def test_anomaly_lines_stay_within_their_company(self):
        company_2 = self.setup_other_company(name="Filiale SAS")["company"]
        move_2 = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.invoice_date,
            amounts=[100.0],
            company=company_2,
        )
        wizard = self._check()
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            wizard.write(
                {
                    "line_ids": [
                        Command.create(
                            {"kind": "gap", "journal_id": self.journal.id, "move_id": move_2.id}
                        )
                    ]
                }
            )
