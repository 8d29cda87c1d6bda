# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Install into a database with years of orders and deliveries: the stored computed fields
the addon adds to sale orders and deliveries get their initial value set-based in SQL, so
that the ORM does not compute (and rewrite) them on every row and the history keeps its
``write_date``."""

from odoo.tools import SQL

from .tools import delivery as rules


def pre_init_hook(env):
    cr = env.cr
    # every customer starts with the default rule (res.partner delivery_downpayment_rule)
    cr.execute("ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS delivery_downpayment_rule varchar")
    cr.execute(
        "UPDATE sale_order SET delivery_downpayment_rule = 'first' "
        "WHERE delivery_downpayment_rule IS NULL"
    )
    # no acceptance date before the install: no release date
    cr.execute(
        "ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS billing_retention_release_date date"
    )
    # no delivery invoice before the install: "nothing" unless computed in post_init_hook
    cr.execute("ALTER TABLE stock_picking ADD COLUMN IF NOT EXISTS delivery_invoice_status varchar")
    cr.execute(
        "UPDATE stock_picking SET delivery_invoice_status = 'nothing' "
        "WHERE delivery_invoice_status IS NULL"
    )


def post_init_hook(env):
    init_delivery_invoice_status(env)


def init_delivery_invoice_status(env):
    """Invoicing status of the done deliveries whose order has something to invoice (the
    only ones that can be "To Invoice"), as ``_compute_delivery_invoice_status`` computes it,
    stored with one UPDATE per status."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        SELECT picking.id
          FROM stock_picking picking
          JOIN sale_order so ON so.id = picking.sale_id
         WHERE picking.state = 'done'
           AND so.invoice_status = 'to invoice'
           AND picking.delivery_invoice_status = 'nothing'
        """
    )
    pickings = env["stock.picking"].browse(row[0] for row in cr.fetchall())
    to_invoice = []
    for picking in pickings:
        if picking.delivery_invoice_id or not picking._delivery_is_invoiceable():
            continue
        remaining = picking._delivery_remaining_quantities()
        has_quantities = bool(picking._delivery_own_quantities(remaining))
        if rules.invoice_status(False, has_quantities) == "to_invoice":
            to_invoice.append(picking.id)
    if to_invoice:
        cr.execute(
            SQL(
                "UPDATE stock_picking SET delivery_invoice_status = 'to_invoice' WHERE id IN %s",
                tuple(to_invoice),
            )
        )
        env["stock.picking"].browse(to_invoice).invalidate_recordset(["delivery_invoice_status"])
    return to_invoice
