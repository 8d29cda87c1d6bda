# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    fr_credit_reason_id = fields.Many2one(
        "billing.fr.credit.reason",
        string="Credit Note Category",
        help="Why the credit note is issued (required for a French company's invoice).",
    )
    fr_reason_required = fields.Boolean(compute="_compute_fr_reason_required")

    @api.depends("move_ids")
    def _compute_fr_reason_required(self):
        for wizard in self:
            wizard.fr_reason_required = any(
                move.move_type == "out_invoice" and move.company_id._fr_is_french()
                for move in wizard.move_ids
            )

    def _prepare_default_reversal(self, move):
        # account: the reason typed in the wizard is the printed reason of the credit note,
        # its category is kept on it
        values = super()._prepare_default_reversal(move)
        if self.reason:
            values["fr_credit_reason"] = self.reason
        if self.fr_credit_reason_id:
            values["fr_credit_reason_id"] = self.fr_credit_reason_id.id
        return values
