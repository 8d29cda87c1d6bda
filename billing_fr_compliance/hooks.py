# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Install into a database with years of history: the stored fields the addon adds to
existing tables get their initial value here, set-based in SQL, so that the ORM does not
compute (and rewrite) them row by row, and the history keeps its ``write_date``."""

from odoo.tools import SQL

INVOICE_TYPES = (
    "out_invoice",
    "out_refund",
    "in_invoice",
    "in_refund",
    "out_receipt",
    "in_receipt",
)

# stored computed fields on existing tables: (table, column, SQL type); created here so that
# Odoo finds the column and does not compute it on every row
PRECREATED_COLUMNS = [
    # only invoices and credit notes have a nature; filled below
    ("account_move", "fr_operation_nature", "varchar"),
    # no platform flow nor status exists before the install: empty
    ("account_move", "billing_pa_send_state", "varchar"),
    ("account_move", "billing_pa_flow_id", "int4"),
    ("account_move", "billing_pa_status_code", "varchar"),
    ("account_move", "billing_pa_status_date", "timestamp"),
    # filled in post_init_hook for the few partners with a phone number
    ("res_partner", "billing_phone_to_check", "bool"),
]


def pre_init_hook(env):
    cr = env.cr
    for table, column, sql_type in PRECREATED_COLUMNS:
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL(sql_type),
            )
        )
    fill_operation_nature(env)


def fill_operation_nature(env, move_ids=None):
    """Nature of the operation of invoices and credit notes (as ``_compute_fr_operation_nature``
    computes it: goods when every product line is a goods product, services when none is,
    mixed otherwise; a line without product counts as a service), in one UPDATE. Other
    entries (payments, miscellaneous) keep none."""
    env.cr.execute(
        SQL(
            """
            UPDATE account_move move
               SET fr_operation_nature = CASE
                       WHEN natures.goods AND natures.services THEN 'mixed'
                       WHEN natures.goods THEN 'goods'
                       ELSE 'services'
                   END
              FROM (
                    SELECT m.id,
                           COALESCE(bool_or(tmpl.type = 'consu'), FALSE) AS goods,
                           COALESCE(bool_or(tmpl.type IS DISTINCT FROM 'consu'), FALSE)
                               AS services
                      FROM account_move m
                 LEFT JOIN account_move_line line
                        ON line.move_id = m.id AND line.display_type = 'product'
                 LEFT JOIN product_product product ON product.id = line.product_id
                 LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                     WHERE m.move_type IN %(types)s %(only)s
                  GROUP BY m.id
                   ) natures
             WHERE natures.id = move.id
            """,
            types=INVOICE_TYPES,
            only=SQL("AND m.id IN %s", tuple(move_ids)) if move_ids else SQL(""),
        )
    )
    return env.cr.rowcount


def post_init_hook(env):
    """Customers recorded before the addon was installed get their SIREN from their SIRET or
    French VAT number, so that their invoices pass the posting gate; invoices posted before
    are marked "Posted before the French checks" (checked when someone asks or sends them
    again, never in bulk). Nothing goes through an ORM write on the history."""
    env["res.partner"]._billing_fill_missing_siren()
    env["res.partner"]._billing_init_phone_to_check()
    env["account.move"]._fr_facturx_mark_before_install()
