# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

ITEM_TYPES = [
    ("delivery", "Delivery"),
    ("milestone", "Milestone"),
    ("situation", "Situation"),
]
AGE_BUCKETS = [
    ("0_30", "0-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("90_plus", "Over 90 days"),
]
# the record holding the activity of an item: the delivery itself; milestones and situations
# have no chatter, their sales order gets it
ACTIVITY_RECORD = {"delivery": "picking_id", "milestone": "order_id", "situation": "order_id"}


class BillingBacklogReport(models.Model):
    """Unbilled backlog (factures à établir): what is delivered or achieved and not invoiced.

    "Not invoiced" reads the same facts as the invoicing buttons: a delivery "To Invoice"
    (``stock.picking.delivery_invoice_status``, what "Invoice this delivery" and the monthly
    run bill), a reached milestone whose quantity the order line has not invoiced yet (its
    ``qty_invoiced``, what "Invoice reached milestones" bills, the earliest reached first), a
    situation due (dated today or before) that has no invoice yet. A draft invoice counts as
    invoiced, as it does for the order's quantities.
    """

    _name = "billing.backlog.report"
    _description = "Unbilled Backlog"
    _auto = False
    _order = "age_days desc, id"
    _rec_name = "name"
    # every column the query reads: searching the report flushes them first
    _depends = {
        "stock.picking": [
            "name",
            "state",
            "date_done",
            "sale_id",
            "company_id",
            "picking_type_id",
            "delivery_invoice_status",
        ],
        "stock.picking.type": ["code"],
        "stock.move": [
            "picking_id",
            "sale_line_id",
            "state",
            "quantity",
            "product_uom",
            "scrapped",
            "to_refund",
        ],
        "uom.uom": ["factor"],
        "sale.order": ["state", "partner_id", "user_id", "company_id", "currency_rate"],
        "sale.order.line": [
            "order_id",
            "product_uom",
            "product_uom_qty",
            "price_reduce_taxexcl",
            "qty_to_invoice",
            "qty_invoiced",
            "qty_delivered_method",
        ],
        "res.partner": ["commercial_partner_id"],
        "res.company": ["currency_id"],
        "project.milestone": [
            "name",
            "is_reached",
            "reached_date",
            "sale_line_id",
            "quantity_percentage",
        ],
        "billing.situation": ["name", "state", "date", "order_id", "amount_situation"],
        "billing.situation.line": ["situation_id", "sale_line_id"],
    }

    name = fields.Char(string="Item", readonly=True)
    item_type = fields.Selection(ITEM_TYPES, string="Type", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    milestone_id = fields.Many2one("project.milestone", readonly=True)
    situation_id = fields.Many2one("billing.situation", readonly=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(
        string="Done On",
        readonly=True,
        help="Date the delivery was done, the milestone reached, or the date of the situation.",
    )
    age_days = fields.Integer(
        string="Age (days)",
        readonly=True,
        aggregator="max",
        help="Days since the delivery was done, the milestone reached or the situation dated.",
    )
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    amount = fields.Monetary(
        string="Amount to Invoice (excl. tax)",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount, in the company's currency, at the price of the order: the "
        "delivered quantities not invoiced yet (negative for a return), the reached share of "
        "the milestone's line not invoiced yet, or what the situation bills.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH delivery AS (
                SELECT sp.id AS picking_id,
                       SUM(
                           CASE WHEN spt.code = 'incoming' THEN -1 ELSE 1 END
                           * LEAST(
                               sm.quantity / NULLIF(mu.factor, 0) * lu.factor,
                               GREATEST(
                                   CASE WHEN spt.code = 'incoming' THEN -sol.qty_to_invoice
                                        ELSE sol.qty_to_invoice END,
                                   0
                               )
                           )
                           * COALESCE(sol.price_reduce_taxexcl, 0)
                       ) AS amount
                  FROM stock_picking sp
                  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                  JOIN stock_move sm ON sm.picking_id = sp.id
                  JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                  JOIN uom_uom mu ON mu.id = sm.product_uom
                  JOIN uom_uom lu ON lu.id = sol.product_uom
                 WHERE sp.delivery_invoice_status = 'to_invoice'
                   AND sm.state = 'done'
                   AND NOT COALESCE(sm.scrapped, FALSE)
                   AND (spt.code = 'outgoing' OR sm.to_refund)
                 GROUP BY sp.id
            ),
            milestone AS (
                SELECT pm.id AS milestone_id,
                       pm.name,
                       pm.reached_date,
                       sol.order_id,
                       sol.price_reduce_taxexcl,
                       pm.quantity_percentage * sol.product_uom_qty AS qty,
                       SUM(pm.quantity_percentage * sol.product_uom_qty) OVER (
                           PARTITION BY sol.id ORDER BY pm.reached_date, pm.id
                       ) AS cumulative,
                       COALESCE(sol.qty_invoiced, 0) AS invoiced
                  FROM project_milestone pm
                  JOIN sale_order_line sol ON sol.id = pm.sale_line_id
                 WHERE pm.is_reached
                   AND sol.qty_delivered_method = 'milestones'
                   -- lines billed by situations are left to their situations
                   AND NOT EXISTS (
                       SELECT 1
                         FROM billing_situation_line bsl
                         JOIN billing_situation bs ON bs.id = bsl.situation_id
                        WHERE bsl.sale_line_id = sol.id AND bs.state != 'cancel'
                   )
            ),
            items AS (
                SELECT sp.id * 3 AS id,
                       'delivery' AS item_type,
                       sp.name,
                       sp.id AS picking_id,
                       NULL::integer AS milestone_id,
                       NULL::integer AS situation_id,
                       sp.sale_id AS order_id,
                       (sp.date_done AT TIME ZONE 'UTC')::date AS date,
                       COALESCE(d.amount, 0) AS amount
                  FROM stock_picking sp
             LEFT JOIN delivery d ON d.picking_id = sp.id
                 WHERE sp.delivery_invoice_status = 'to_invoice'
                   AND sp.sale_id IS NOT NULL
                 UNION ALL
                SELECT m.milestone_id * 3 + 1,
                       'milestone',
                       m.name,
                       NULL,
                       m.milestone_id,
                       NULL,
                       m.order_id,
                       m.reached_date,
                       LEAST(m.qty, m.cumulative - m.invoiced)
                       * COALESCE(m.price_reduce_taxexcl, 0)
                  FROM milestone m
                 WHERE m.cumulative - m.invoiced > 0.00001
                 UNION ALL
                SELECT bs.id * 3 + 2,
                       'situation',
                       bs.name,
                       NULL,
                       NULL,
                       bs.id,
                       bs.order_id,
                       bs.date,
                       COALESCE(bs.amount_situation, 0)
                  FROM billing_situation bs
                 WHERE bs.state = 'draft' AND bs.date <= CURRENT_DATE
            )
            SELECT i.id,
                   i.item_type,
                   i.name,
                   i.picking_id,
                   i.milestone_id,
                   i.situation_id,
                   i.order_id,
                   partner.commercial_partner_id AS partner_id,
                   so.user_id,
                   so.company_id,
                   company.currency_id,
                   i.date,
                   CURRENT_DATE - i.date AS age_days,
                   CASE WHEN CURRENT_DATE - i.date <= 30 THEN '0_30'
                        WHEN CURRENT_DATE - i.date <= 60 THEN '31_60'
                        WHEN CURRENT_DATE - i.date <= 90 THEN '61_90'
                        ELSE '90_plus' END AS age_bucket,
                   ROUND((i.amount / COALESCE(NULLIF(so.currency_rate, 0), 1))::numeric, 2)
                       AS amount
              FROM items i
              JOIN sale_order so ON so.id = i.order_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_company company ON company.id = so.company_id
             WHERE so.state = 'sale'
            """
        )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_open_item(self):
        """Open the delivery, or the order of the milestone or situation."""
        self.ensure_one()
        if self.picking_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": "stock.picking",
                "res_id": self.picking_id.id,
                "views": [(False, "form")],
            }
        if self.situation_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": "billing.situation",
                "res_id": self.situation_id.id,
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------------------------------
    # Daily alert
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_backlog_alert(self):
        """Daily: an activity to the billing user responsible for each item left unbilled
        longer than its company's threshold (Settings, off when 0).

        Set-based: one search of the report per company, one search of the open activities,
        one ``activity_schedule`` per record model and user. Safe to rerun (a record with an
        open backlog activity gets no second one) and under two workers (a transaction-level
        advisory lock: the second run waits for nothing and leaves at once, returning None).
        Returns the activities created.
        """
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext('billing_project_link.backlog_alert'))"
        )
        if not self.env.cr.fetchone()[0]:
            _logger.info("Unbilled backlog alert already running in another worker: skipped")
            return None
        # the scheduled action serves every company, whatever its user may read
        companies = self.env["res.company"].sudo().search([("billing_backlog_alert_days", ">", 0)])
        activities = self.env["mail.activity"]
        for company in companies:
            activities |= self.sudo()._backlog_alert_company(company)
        return activities

    def _backlog_alert_company(self, company):
        activity_type = self.env.ref(
            "billing_project_link.mail_activity_type_backlog", raise_if_not_found=False
        )
        if not activity_type:
            return self.env["mail.activity"]
        days = company.billing_backlog_alert_days
        items = self.search([("company_id", "=", company.id), ("age_days", ">", days)])
        # record -> the items it stands for
        per_record = {}
        for item in items:
            record = item[ACTIVITY_RECORD[item.item_type]]
            per_record.setdefault(record, self.browse())
            per_record[record] |= item
        activities = self.env["mail.activity"]
        by_model = {}
        for record in per_record:
            by_model.setdefault(record._name, []).append(record.id)
        for model, ids in by_model.items():
            open_ids = set(
                self.env["mail.activity"]
                .search(
                    [
                        ("res_model", "=", model),
                        ("res_id", "in", ids),
                        ("activity_type_id", "=", activity_type.id),
                    ]
                )
                .mapped("res_id")
            )
            records = self.env[model].browse([rid for rid in ids if rid not in open_ids])
            by_user = {}
            for record in records:
                user = self._backlog_responsible(company, per_record[record].user_id[:1])
                by_user.setdefault(user, self.env[model])
                by_user[user] |= record
            for user, user_records in by_user.items():
                activities |= user_records.with_company(company)._billing_activity_schedule(
                    "billing_project_link.mail_activity_type_backlog",
                    user_id=user.id,
                    summary=_("Not invoiced for more than %(days)s days", days=days),
                    note=_(
                        "Delivered or achieved more than %(days)s days ago and not invoiced "
                        "yet: invoice it, or see Unbilled Backlog.",
                        days=days,
                    ),
                )
        return activities

    @api.model
    def _backlog_responsible(self, company, salesperson):
        """Who gets the activity: the company's backlog responsible (Settings), else the
        order's salesperson when active in the company, else a billing user of the company."""
        responsible = company.billing_backlog_user_id
        if responsible.active and company in responsible.company_ids:
            return responsible
        if salesperson.active and company in salesperson.company_ids:
            return salesperson
        billing = (
            self.env.ref("account.group_account_invoice")
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and company in u.company_ids)
        )
        return billing.sorted("id")[:1] or self.env.user
