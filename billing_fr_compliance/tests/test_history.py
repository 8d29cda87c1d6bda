# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..hooks import post_init_hook, pre_init_hook
from .common import BillingFrCommon

OLD = "2023-01-02 00:00:00"


@tagged("post_install", "-at_install")
class TestInstallIntoHistory(BillingFrCommon):
    """Issue 28: installed into years of history, the addon initialises its stored fields
    set-based, only where they apply, and leaves the history's write_date as it was."""

    def _age(self, table, ids):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = %s WHERE id IN %s",
                SQL.identifier(table),
                OLD,
                tuple(ids),
            )
        )
        self.env.invalidate_all()

    def _changed(self, table, ids):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM %s WHERE id IN %s AND write_date <> %s",
                SQL.identifier(table),
                tuple(ids),
                OLD,
            )
        )
        return self.env.cr.fetchone()[0]

    def _misc_entry(self):
        account = self.company_data["default_account_revenue"]
        return self.env["account.move"].create(
            {
                "move_type": "entry",
                "line_ids": [
                    Command.create({"account_id": account.id, "debit": 10.0}),
                    Command.create({"account_id": account.id, "credit": 10.0}),
                ],
            }
        )

    def test_operation_nature_only_on_invoices(self):
        entry = self._misc_entry()
        self.assertFalse(entry.fr_operation_nature, "a miscellaneous entry has no nature")
        invoice = self._invoice(products=[self.goods])
        self.assertEqual(invoice.fr_operation_nature, "goods")

    def test_pre_init_fills_the_nature_in_sql_as_the_orm_computes_it(self):
        moves = (
            self._invoice(products=[self.goods])
            | self._invoice(products=[self.service])
            | self._invoice(products=[self.goods, self.service])
            | self._invoice(products=[self.goods], move_type="out_refund")
            | self._misc_entry()
        )
        expected = moves.mapped("fr_operation_nature")
        self.assertEqual(expected, ["goods", "services", "mixed", "goods", False])
        self._age("account_move", moves.ids)
        # the database as before the install: no column
        self.env.cr.execute("ALTER TABLE account_move DROP COLUMN fr_operation_nature")
        pre_init_hook(self.env)
        self.env.invalidate_all()
        self.assertEqual(moves.mapped("fr_operation_nature"), expected)
        self.assertEqual(self._changed("account_move", moves.ids), 0)

    def test_post_init_leaves_partners_write_date(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Menuiserie Blanc",
                "is_company": True,
                "country_id": self.fr.id,
                "vat": "FR03552081317",
                "phone": "12",
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET siren = NULL, billing_phone_to_check = NULL WHERE id = %s",
            [partner.id],
        )
        self._age("res_partner", partner.ids)
        post_init_hook(self.env)
        self.assertEqual(partner.siren, "552081317")
        self.assertTrue(partner.billing_phone_to_check, "as the ORM computes it")
        self.assertEqual(self._changed("res_partner", partner.ids), 0)
