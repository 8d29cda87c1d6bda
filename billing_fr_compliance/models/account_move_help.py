# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _fr_format_refusal(self, refused):
        # EXTENDS billing_fr_compliance (account_move.py): the refusal says where the help on
        # each mention is
        return super()._fr_format_refusal(refused) + "\n\n" + self._fr_help_line()

    def _fr_help_line(self):
        return _(
            "Help: what each mention is and where to find it, in your user menu (your name, top "
            "right) > %(help)s, or the ? next to each field.",
            help=_("Help on French Invoice Mentions"),
        )
