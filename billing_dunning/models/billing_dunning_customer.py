# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class BillingDunningCustomer(models.Model):
    """The Payment Follow-up list: one row per customer and company with open invoices or a
    follow-up record, read from the database (an SQL view, like ``account.invoice.report``).
    Opening the list writes nothing; the customer's follow-up record is created when
    someone opens it to act. The overdue total, level and next action of a page of rows are
    computed at once (``billing.dunning.followup._dunning_partner_states``): the queries do
    not grow with the rows."""

    _name = "billing.dunning.customer"
    _description = "Customer to Follow Up"
    _auto = False
    _order = "partner_id"
    _rec_name = "partner_id"
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "company_id",
            "commercial_partner_id",
            "invoice_date_due",
            "amount_residual",
        ],
        "billing.dunning.followup": ["partner_id", "company_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    followup_id = fields.Many2one("billing.dunning.followup", string="Follow-up", readonly=True)
    oldest_due_date = fields.Date(
        string="Oldest due date owed",
        readonly=True,
        help="Due date of the oldest open invoice with something still owed.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    overdue_amount = fields.Monetary(
        string="Overdue total", currency_field="currency_id", compute="_compute_state"
    )
    overdue_count = fields.Integer(string="Overdue invoices", compute="_compute_state")
    level_id = fields.Many2one(
        "billing.dunning.level", string="Current level", compute="_compute_state"
    )
    next_action = fields.Char(compute="_compute_state")
    next_date = fields.Date(string="Next action date", compute="_compute_state")
    has_overdue = fields.Boolean(
        string="Has overdue invoices", compute="_compute_state", search="_search_has_overdue"
    )
    policy_id = fields.Many2one(related="followup_id.policy_id")
    excluded = fields.Boolean(related="followup_id.excluded")
    paused_until = fields.Date(related="followup_id.paused_until")
    disputed = fields.Boolean(related="followup_id.disputed")
    promise_date = fields.Date(related="followup_id.promise_date")

    @property
    def _table_query(self):
        # One row per (company, customer); the id is built from both so that it stays the
        # same from one read to the next (a follow-up record created meanwhile changes
        # nothing). The open invoices are grouped once, in the order of the partial index
        # billing_dunning_open_invoice_idx (an index-only scan), and each group carries its
        # oldest due date still owed: "overdue" is a filter on that column, not a second pass
        # over the invoices. Follow-ups of customers without open invoices are added apart,
        # with no due date (the overdue filter leaves that branch out without reading it).
        return SQL(
            """
            SELECT pairs.company_id::bigint * 4294967296 + pairs.partner_id AS id,
                   pairs.company_id,
                   pairs.partner_id,
                   followup.id AS followup_id,
                   pairs.oldest_due_date
              FROM (
                    SELECT move.company_id,
                           move.commercial_partner_id AS partner_id,
                           MIN(move.invoice_date_due) FILTER (WHERE move.amount_residual > 0)
                               AS oldest_due_date
                      FROM account_move move
                     WHERE move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.payment_state IN ('not_paid', 'partial')
                       AND move.commercial_partner_id IS NOT NULL
                  GROUP BY move.commercial_partner_id, move.company_id
                 UNION ALL
                    SELECT only_followup.company_id,
                           only_followup.partner_id,
                           NULL::date AS oldest_due_date
                      FROM billing_dunning_followup only_followup
                     WHERE NOT EXISTS (
                            SELECT 1
                              FROM account_move move
                             WHERE move.commercial_partner_id = only_followup.partner_id
                               AND move.company_id = only_followup.company_id
                               AND move.move_type = 'out_invoice'
                               AND move.state = 'posted'
                               AND move.payment_state IN ('not_paid', 'partial')
                           )
                   ) pairs
         LEFT JOIN billing_dunning_followup followup
                ON followup.company_id = pairs.company_id
               AND followup.partner_id = pairs.partner_id
            """
        )

    @api.depends_context("date")
    def _compute_state(self):
        Followup = self.env["billing.dunning.followup"]
        today = fields.Date.context_today(self)
        states = {}
        for company in self.company_id:
            partners = self.filtered(lambda row, c=company: row.company_id == c).partner_id
            states[company.id] = Followup._dunning_partner_states(company, partners, today)
        for row in self:
            state = states.get(row.company_id.id, {}).get(row.partner_id.id, {})
            row.overdue_amount = state.get("overdue_amount", 0.0)
            row.overdue_count = state.get("overdue_count", 0)
            row.level_id = state.get("level", False)
            row.next_action = state.get("next_action", False)
            row.next_date = state.get("next_date", False)
            row.has_overdue = bool(row.overdue_count)

    def _search_has_overdue(self, operator, value):
        """Overdue: an open invoice of the row fell due before today with something still
        owed, in the user's companies; a filter on the view's oldest due date."""
        if operator not in ("=", "!="):
            raise UserError(_("Operation not supported"))
        today = fields.Date.context_today(self)
        companies = tuple(self.env.companies.ids)
        if (operator == "=") == bool(value):
            return [("oldest_due_date", "<", today), ("company_id", "in", companies)]
        return [
            "|",
            "|",
            ("oldest_due_date", "=", False),
            ("oldest_due_date", ">=", today),
            ("company_id", "not in", companies),
        ]

    def action_open_followup(self):
        """Open the customer's follow-up, created now if it has none: the record exists once
        someone acts on the customer, never because the list was read."""
        self.ensure_one()
        followup = self.followup_id or self.env["billing.dunning.followup"]._get_or_create(
            self.partner_id, self.company_id
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Payment Follow-up"),
            "res_model": "billing.dunning.followup",
            "res_id": followup.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
