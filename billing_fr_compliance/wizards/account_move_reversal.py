# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def _prepare_default_reversal(self, move):
        # account: the reason typed in the wizard is the printed reason of the credit note
        values = super()._prepare_default_reversal(move)
        if self.reason:
            values["fr_credit_reason"] = self.reason
        return values
