# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_late_move_id = fields.Many2one(
        "account.move",
        string="Late invoice charged",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="Line of an interest invoice: the late invoice whose penalty it charges.",
    )
    dunning_penalty = fields.Selection(
        [("interest", "Late interest"), ("indemnity", "Recovery indemnity")],
        string="Late-payment penalty",
        readonly=True,
        copy=False,
    )
