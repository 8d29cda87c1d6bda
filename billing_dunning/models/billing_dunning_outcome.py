# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class BillingDunningOutcome(models.Model):
    """What happened on one channel of a reminder."""

    _name = "billing.dunning.outcome"
    _description = "Dunning Reminder Channel Outcome"
    _order = "reminder_id, id"

    reminder_id = fields.Many2one(
        "billing.dunning.reminder", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="reminder_id.company_id", store=True, index=True)
    channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Letter"), ("phone", "Phone call")], required=True
    )
    state = fields.Selection(
        [("done", "Sent"), ("todo", "To do"), ("failed", "Failed")], required=True
    )
    note = fields.Char()
    message_id = fields.Many2one("mail.message", ondelete="set null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
