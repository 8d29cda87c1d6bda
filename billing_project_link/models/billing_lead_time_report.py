# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# (billing lead time, issue 22)
from odoo import api, fields, models
from odoo.tools import SQL

# percentile measures: the percentile of the lead times of whatever invoices a group holds
PERCENTILES = {"lead_days_median": 0.5, "lead_days_p90": 0.9}


class BillingLeadTimeReport(models.Model):
    """Billing lead time: per customer invoice posted from deliveries, reached milestones or
    a situation, the days from the delivery done (the earliest of its deliveries), the
    milestone reached or the situation's date to the invoice's date, with its operator (the
    user who posted it). Median and 90th percentile of any group are computed from its
    invoices (``_read_group_select``)."""

    _name = "billing.lead.time.report"
    _description = "Billing Lead Time"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Operator", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(string="Invoice Date", readonly=True)
    start_date = fields.Date(
        string="Billable Since",
        readonly=True,
        help="The delivery done, the milestone reached or the situation's date.",
    )
    source = fields.Selection(
        selection=[
            ("delivery", "Delivery"),
            ("milestone", "Milestone"),
            ("situation", "Situation"),
        ],
        readonly=True,
    )
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    lead_days = fields.Float(
        string="Lead Time (days)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    lead_days_median = fields.Float(
        string="Median Lead Time (days)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    lead_days_p90 = fields.Float(
        string="Lead Time, 90th Percentile (days)",
        readonly=True,
        aggregator="max",
        digits=(16, 1),
        help="Nine invoices out of ten were made within this many days.",
    )

    _depends = {
        "account.move": [
            "move_type",
            "state",
            "company_id",
            "partner_id",
            "invoice_date",
            "billing_posted_uid",
            "create_uid",
        ],
        "account.move.line": ["move_id", "sale_line_ids"],
        "stock.picking": ["delivery_invoice_id", "date_done"],
        "billing.situation": ["invoice_id", "date"],
        "project.milestone": ["sale_line_id", "is_reached", "reached_date"],
    }

    @property
    def _table_query(self):
        return self._lead_time_query(tuple(self.env.companies.ids))

    @api.model
    def _lead_time_query(self, company_ids):
        return SQL(
            """
            WITH start AS (
                SELECT p.delivery_invoice_id AS move_id, 'delivery' AS source,
                       MIN(p.date_done)::date AS start_date
                  FROM stock_picking p
                 WHERE p.delivery_invoice_id IS NOT NULL AND p.date_done IS NOT NULL
                 GROUP BY 1
                UNION ALL
                SELECT s.invoice_id, 'situation', MIN(s.date)
                  FROM billing_situation s
                 WHERE s.invoice_id IS NOT NULL
                 GROUP BY 1
                UNION ALL
                SELECT aml.move_id, 'milestone', MIN(pm.reached_date)
                  FROM project_milestone pm
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = pm.sale_line_id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                 WHERE pm.is_reached AND pm.reached_date IS NOT NULL
                 GROUP BY 1
            ),
            first AS (
                SELECT DISTINCT ON (move_id) move_id, source, start_date
                  FROM start
                 ORDER BY move_id, start_date
            )
            SELECT m.id, m.id AS move_id, m.company_id,
                   COALESCE(m.billing_posted_uid, m.create_uid) AS user_id,
                   m.partner_id, m.invoice_date AS date, f.start_date, f.source,
                   1 AS invoice_count,
                   GREATEST(m.invoice_date - f.start_date, 0)::float AS lead_days,
                   GREATEST(m.invoice_date - f.start_date, 0)::float AS lead_days_median,
                   GREATEST(m.invoice_date - f.start_date, 0)::float AS lead_days_p90
              FROM account_move m
              JOIN first f ON f.move_id = m.id
             WHERE m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.company_id IN %(companies)s
            """,
            companies=company_ids or (0,),
        )

    def _read_group_select(self, aggregate_spec, query):
        # base: the median and 90th percentile of a group, from its invoices' lead times
        fname = aggregate_spec.split(":")[0]
        if fname in PERCENTILES:
            return SQL(
                "percentile_cont(%s) WITHIN GROUP (ORDER BY %s)",
                PERCENTILES[fname],
                self._field_to_sql(self._table, "lead_days", query),
            )
        return super()._read_group_select(aggregate_spec, query)
