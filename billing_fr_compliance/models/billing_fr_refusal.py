# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# (billing quality, issue 22: its own file, so that parallel work on the base files merges)
import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# the rows one run of the purge deletes; more left: the cron is triggered again
PURGE_CHUNK = 10000


def refusals_insert_sql(rows):
    """One INSERT of the gate refusals ``rows`` ((move id, user id, company id, codes,
    document as the clerk saw it)). A document that does not exist as the cursor running it
    sees them (created in the refused transaction, so rolled back with it) is recorded
    without its link: the refusal, its operator and its mentions stay."""
    values = SQL(", ").join(
        SQL("(%s, %s, %s, %s, %s)", move_id, user_id, company_id, codes, label)
        for move_id, user_id, company_id, codes, label in rows
    )
    return SQL(
        """
        INSERT INTO billing_fr_refusal (move_id, user_id, company_id, mentions, document, date)
        SELECT m.id, v.user_id, v.company_id, v.mentions, v.document, now() AT TIME ZONE 'UTC'
          FROM (VALUES %s) AS v(move_id, user_id, company_id, mentions, document)
          LEFT JOIN account_move m ON m.id = v.move_id
        """,
        values,
    )


class BillingFrRefusal(models.Model):
    """One refusal of the posting gate: which draft, who tried to post it, when, and the
    mentions it lacked. Written once the refused transaction ends, by a cursor of its own, so
    that it stays although the refused posting is rolled back (it is what the clerk saw).
    Kept small (no log columns) and purged after the company's retention period."""

    _name = "billing.fr.refusal"
    _description = "Gate Refusal"
    _order = "date desc, id desc"
    _log_access = False
    _rec_name = "move_id"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Document",
        index=True,
        ondelete="set null",
        readonly=True,
        check_company=True,
        help="Empty when the document no longer exists: deleted since, or created in the "
        "very operation the gate refused (so never saved).",
    )
    document = fields.Char(
        string="Document as Shown",
        readonly=True,
        help="The document as the refusal named it to the operator.",
    )
    user_id = fields.Many2one(
        "res.users", string="Operator", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    mentions = fields.Char(
        string="Missing Mentions",
        readonly=True,
        help="Codes of the mentions the document lacked, separated by commas.",
    )

    @api.model
    def _cron_fr_purge(self, limit=PURGE_CHUNK):
        """Delete the refusals older than their company's retention period, ``limit`` at a
        time: when more are left the cron is triggered again (safe to rerun, and under two
        workers: the rows one run locks are skipped by the other)."""
        self.env["res.company"].flush_model(["billing_refusal_retention_months"])
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM billing_fr_refusal
                 WHERE id IN (
                       SELECT r.id
                         FROM billing_fr_refusal r
                         JOIN res_company c ON c.id = r.company_id
                        WHERE c.billing_refusal_retention_months > 0
                          AND r.date < now() AT TIME ZONE 'UTC'
                                       - c.billing_refusal_retention_months
                                         * INTERVAL '1 month'
                        LIMIT %s
                          FOR UPDATE OF r SKIP LOCKED)
                """,
                limit,
            )
        )
        deleted = self.env.cr.rowcount
        self.invalidate_model()
        _logger.info("gate refusals purged: %s", deleted)
        if deleted == limit:
            cron = self.env.ref(
                "billing_fr_compliance.billing_fr_refusal_purge_cron", raise_if_not_found=False
            )
            if cron:
                cron._trigger()
        return deleted
