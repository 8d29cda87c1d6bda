# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class BillingDunningReminderLine(models.Model):
    """One overdue invoice listed by a reminder. ``level_id`` is set when the reminder takes
    the invoice to a new level; (invoice, level) is unique so that an invoice is never
    reminded twice at the same level, whatever runs at the same time."""

    _name = "billing.dunning.reminder.line"
    _description = "Dunning Reminder Line"
    _order = "reminder_id, date_due, id"
    _check_company_auto = True

    reminder_id = fields.Many2one(
        "billing.dunning.reminder", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="reminder_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="reminder_id.partner_id")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    level_id = fields.Many2one(
        "billing.dunning.level",
        string="New level",
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    previous_level_id = fields.Many2one(
        "billing.dunning.level",
        string="Previous level",
        ondelete="set null",
        check_company=True,
    )
    invoice_date = fields.Date(related="move_id.invoice_date")
    date_due = fields.Date(string="Due date")
    days_late = fields.Integer()
    currency_id = fields.Many2one("res.currency", required=True)
    company_currency_id = fields.Many2one(
        related="reminder_id.currency_id", string="Company currency"
    )
    amount_residual = fields.Monetary(string="Amount due", currency_field="currency_id")
    amount_residual_company = fields.Monetary(
        string="Amount due (company currency)", currency_field="company_currency_id"
    )
    amount_interest = fields.Monetary(string="Late interest", currency_field="company_currency_id")
    amount_indemnity = fields.Monetary(
        string="Recovery indemnity", currency_field="company_currency_id"
    )
    interest_detail = fields.Char(help="Days and rates of each half-year.")

    _sql_constraints = [
        (
            "move_level_uniq",
            "unique(move_id, level_id)",
            "An invoice cannot be reminded twice at the same level.",
        ),
    ]
