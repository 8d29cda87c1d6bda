# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class BillingAffaireReport(models.Model):
    """The "affaires" view: per confirmed order, what was sold, done, invoiced and paid."""

    _name = "billing.affaire.report"
    _description = "Affaires: Contracted, Achieved, Invoiced, Paid"
    _auto = False
    _order = "date_order desc, id desc"
    _rec_name = "order_id"
    # every column the query reads: searching the report flushes them first (as
    # account.invoice.report does), so it sees what this transaction just wrote
    _depends = {
        "sale.order": [
            "state",
            "partner_id",
            "user_id",
            "project_id",
            "company_id",
            "currency_id",
            "date_order",
            "delivery_invoice_extra_lines",
        ],
        "sale.order.line": [
            "order_id",
            "display_type",
            "is_downpayment",
            "price_subtotal",
            "product_uom_qty",
            "qty_delivered",
            "price_unit",
            "discount",
            "project_id",
            "untaxed_amount_invoiced",
            "invoice_lines",
            "qty_delivered_method",
        ],
        "stock.picking": ["sale_id", "state", "picking_type_id"],
        "stock.move": ["sale_line_id"],
        "account.move": ["amount_total_signed", "amount_residual_signed"],
        "account.move.line": ["move_id", "parent_state", "billing_is_retention", "amount_residual"],
        "billing.situation": ["state"],
        "billing.situation.line": ["situation_id", "sale_line_id", "cumulative_amount"],
        "project.project": ["sale_line_id", "reinvoiced_sale_order_id"],
        "project.task": ["project_id", "sale_order_id"],
    }

    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    project_id = fields.Many2one("project.project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_order = fields.Datetime(string="Order Date", readonly=True)
    amount_contracted = fields.Monetary(
        string="Contracted (excl. tax)",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount sold.",
    )
    amount_achieved = fields.Monetary(
        string="Achieved (excl. tax)",
        readonly=True,
        aggregator="sum",
        help="Untaxed value of the work done, per line the greater of: the cumulative amount "
        "of its last posted situation (a situation whose invoice is still a draft does not "
        "count yet), and its delivered or timesheeted share (delivered quantity over ordered "
        "quantity, or the delivered quantity at its price when none was ordered). A line that "
        "is not delivered (a service such as shipping) is done with the order's first "
        "delivery, whose invoice bills it.",
    )
    amount_invoiced = fields.Monetary(
        string="Invoiced (excl. tax)",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount of posted invoices, credit notes and deductions included.",
    )
    amount_paid = fields.Monetary(
        string="Paid (incl. tax)",
        readonly=True,
        aggregator="sum",
        help="Amount incl. taxes settled on the posted invoices of the order.",
    )
    amount_retained = fields.Monetary(
        string="Retention Held (incl. tax)",
        readonly=True,
        aggregator="sum",
        help="Retention (retenue de garantie) still held, a share of amounts incl. taxes.",
    )
    amount_to_invoice = fields.Monetary(
        string="Left to Invoice (excl. tax)",
        readonly=True,
        aggregator="sum",
        help="Contracted minus invoiced (untaxed).",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH order_moves AS (
                SELECT DISTINCT sol.order_id, aml.move_id
                  FROM sale_order_line sol
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                 WHERE aml.parent_state = 'posted'
            ),
            paid AS (
                SELECT om.order_id,
                       SUM(am.amount_total_signed - am.amount_residual_signed) AS amount
                  FROM order_moves om
                  JOIN account_move am ON am.id = om.move_id
                 GROUP BY om.order_id
            ),
            retained AS (
                SELECT om.order_id, SUM(aml.amount_residual) AS amount
                  FROM order_moves om
                  JOIN account_move_line aml
                    ON aml.move_id = om.move_id AND aml.billing_is_retention
                 GROUP BY om.order_id
            ),
            situation AS (
                SELECT bsl.sale_line_id, MAX(bsl.cumulative_amount) AS cumulative
                  FROM billing_situation_line bsl
                  JOIN billing_situation bs ON bs.id = bsl.situation_id
                 WHERE bs.state = 'posted'
                 GROUP BY bsl.sale_line_id
            ),
            -- orders with a done delivery: their lines that are not delivered (services
            -- such as shipping) are done with it, as they are invoiced with it
            -- (delivery_invoice_extra_lines "first_delivery", stock_picking.py)
            delivered_orders AS (
                SELECT DISTINCT sp.sale_id AS order_id
                  FROM stock_picking sp
                  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                 WHERE sp.state = 'done' AND spt.code = 'outgoing' AND sp.sale_id IS NOT NULL
            ),
            lines AS (
                SELECT sol.order_id,
                       SUM(CASE WHEN sol.is_downpayment THEN 0
                                ELSE sol.price_subtotal END) AS contracted,
                       SUM(CASE WHEN sol.is_downpayment THEN 0
                                ELSE GREATEST(
                                    COALESCE(sit.cumulative, 0),
                                    CASE WHEN dord.order_id IS NOT NULL
                                              AND sol.qty_delivered_method = 'manual'
                                              AND COALESCE(sol.qty_delivered, 0) = 0
                                              AND COALESCE(so_l.delivery_invoice_extra_lines,
                                                           'first_delivery') = 'first_delivery'
                                              AND NOT EXISTS (
                                                  SELECT 1 FROM stock_move sm
                                                   WHERE sm.sale_line_id = sol.id)
                                         THEN sol.price_subtotal
                                         WHEN sol.product_uom_qty <> 0
                                         THEN LEAST(sol.qty_delivered / sol.product_uom_qty, 1)
                                              * sol.price_subtotal
                                         ELSE COALESCE(sol.qty_delivered, 0)
                                              * COALESCE(sol.price_unit, 0)
                                              * (1 - COALESCE(sol.discount, 0) / 100)
                                    END
                                ) END) AS achieved,
                       SUM(COALESCE(sol.untaxed_amount_invoiced, 0)) AS invoiced
                  FROM sale_order_line sol
                  JOIN sale_order so_l ON so_l.id = sol.order_id
             LEFT JOIN situation sit ON sit.sale_line_id = sol.id
             LEFT JOIN delivered_orders dord ON dord.order_id = sol.order_id
                 WHERE sol.display_type IS NULL
                 GROUP BY sol.order_id
            )
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.partner_id,
                   so.user_id,
                   COALESCE(
                       so.project_id,
                       (SELECT MIN(psol.project_id)
                          FROM sale_order_line psol
                         WHERE psol.order_id = so.id),
                       (SELECT MIN(pp.id)
                          FROM project_project pp
                          JOIN sale_order_line psol ON psol.id = pp.sale_line_id
                         WHERE psol.order_id = so.id),
                       (SELECT MIN(pp.id)
                          FROM project_project pp
                         WHERE pp.reinvoiced_sale_order_id = so.id),
                       (SELECT MIN(pt.project_id)
                          FROM project_task pt
                         WHERE pt.sale_order_id = so.id)
                   ) AS project_id,
                   so.company_id,
                   so.currency_id,
                   so.date_order,
                   COALESCE(l.contracted, 0) AS amount_contracted,
                   ROUND(COALESCE(l.achieved, 0), 2) AS amount_achieved,
                   COALESCE(l.invoiced, 0) AS amount_invoiced,
                   COALESCE(p.amount, 0) AS amount_paid,
                   COALESCE(r.amount, 0) AS amount_retained,
                   COALESCE(l.contracted, 0) - COALESCE(l.invoiced, 0) AS amount_to_invoice
              FROM sale_order so
         LEFT JOIN lines l ON l.order_id = so.id
         LEFT JOIN paid p ON p.order_id = so.id
         LEFT JOIN retained r ON r.order_id = so.id
             WHERE so.state = 'sale'
            """
        )
