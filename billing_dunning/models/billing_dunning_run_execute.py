# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, Command, api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 200  # customers per claim + create + send round


class BillingDunningRun(models.AbstractModel):
    """The dunning run, what it writes: the claim of the invoices (each invoice taken to its
    new level once, even under two workers) and the reminders, chunk by chunk."""

    _inherit = "billing.dunning.run"

    @api.model
    def _dunning_claim(self, targets, today, notice_levels=()):
        """Take invoices to their new level, once. ``targets``: ``{move_id: level_id}``;
        an invoice taken to one of ``notice_levels`` (formal notices) keeps the date of its
        first formal notice, from which a consumer owes interest.

        Locks the invoices with ``FOR UPDATE SKIP LOCKED`` (an invoice another worker is
        reminding right now is left to it) and moves the level only where no reminder line
        has that (invoice, level) yet. When another worker committed the same invoices since
        this transaction started, PostgreSQL refuses the update (serialization failure): the
        chunk is left to the next run. Returns the ids of the invoices claimed."""
        if not targets:
            return set()
        self.env["account.move"].flush_model(
            ["dunning_level_id", "dunning_last_date", "dunning_notice_date"]
        )
        cr = self.env.cr
        claimed = set()
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "SELECT id FROM account_move WHERE id = ANY(%s) "
                        "ORDER BY id FOR UPDATE SKIP LOCKED",
                        list(targets),
                    ),
                    log_exceptions=False,
                )
                locked = [row[0] for row in cr.fetchall()]
                if locked:
                    values = SQL(", ").join(
                        SQL("(%s, %s, %s)", mid, targets[mid], targets[mid] in notice_levels)
                        for mid in locked
                    )
                    cr.execute(
                        SQL(
                            """
                            UPDATE account_move m
                               SET dunning_level_id = v.level_id, dunning_last_date = %s,
                                   dunning_notice_date = CASE WHEN v.notice
                                       THEN COALESCE(m.dunning_notice_date, %s)
                                       ELSE m.dunning_notice_date END
                              FROM (VALUES %s) AS v(move_id, level_id, notice)
                             WHERE m.id = v.move_id
                               AND m.dunning_level_id IS DISTINCT FROM v.level_id
                               AND NOT EXISTS (
                                   SELECT 1 FROM billing_dunning_reminder_line l
                                    WHERE l.move_id = v.move_id AND l.level_id = v.level_id)
                            RETURNING m.id
                            """,
                            today,
                            today,
                            values,
                        ),
                        log_exceptions=False,
                    )
                    claimed = {row[0] for row in cr.fetchall()}
        except psycopg2.errors.SerializationFailure:
            _logger.info("Dunning: invoices reminded by a concurrent run, left to the next run")
            claimed = set()
        self.env["account.move"].browse(list(targets)).invalidate_recordset(
            ["dunning_level_id", "dunning_last_date", "dunning_notice_date"]
        )
        return claimed

    @api.model
    def _dunning_execute(self, company, plan, today, manual=False, release=False):
        """Claim, create and send the reminders of ``plan``, chunk by chunk.

        A reminder is sent at once when a person asked for it (``manual``: send now to one
        customer; ``release``: a billing manager sends what the company preview shows) or
        when its policy sends automatically; otherwise (policies start in review mode) it
        is only prepared, state "to review": nothing leaves until a billing manager sends it
        (``billing.dunning.reminder.action_send``)."""
        Reminder = self.env["billing.dunning.reminder"]
        reminders = Reminder
        Reminder = Reminder.with_company(company).with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        for start in range(0, len(plan), CHUNK_SIZE):
            chunk = plan[start : start + CHUNK_SIZE]
            targets = {
                line["move"].id: line["level"].id
                for entry in chunk
                for line in entry["lines"]
                if line["level"]
            }
            notice_levels = {
                line["level"].id
                for entry in chunk
                for line in entry["lines"]
                if line["level"] and line["level"].formal_notice
            }
            claimed = self._dunning_claim(targets, today, notice_levels)
            vals_list = []
            promises = self.env["billing.dunning.followup"]
            for entry in chunk:
                lines = [
                    line
                    for line in entry["lines"]
                    if not line["level"] or line["move"].id in claimed
                ]
                if not any(line["level"] for line in lines):
                    continue
                if entry["promise"]:
                    promises |= entry["followup"]
                level = entry["level"]
                vals_list.append(
                    {
                        "company_id": company.id,
                        "partner_id": entry["partner"].id,
                        "contact_id": entry["contact"].id,
                        "policy_id": entry["policy"].id,
                        "level_id": level.id,
                        "date": today,
                        "deadline": level.formal_notice
                        and today + timedelta(days=entry["policy"].formal_notice_days),
                        "manual": manual,
                        "state": "sent"
                        if manual or release or entry["policy"].send_mode == "auto"
                        else "to_review",
                        "after_reminders": any(line["previous_level"] for line in lines),
                        "line_ids": [
                            Command.create(
                                {
                                    "move_id": line["move"].id,
                                    "level_id": line["level"].id if line["level"] else False,
                                    "previous_level_id": line["previous_level"].id,
                                    "date_due": line["move"].invoice_date_due,
                                    "days_late": line["days_late"],
                                    "currency_id": line["move"].currency_id.id,
                                    "amount_residual": line["amount_residual"],
                                    "amount_residual_company": line["amount_residual_company"],
                                    "amount_interest": line["interest"],
                                    "amount_indemnity": line["indemnity"],
                                    "interest_detail": line["detail"],
                                }
                            )
                            for line in lines
                        ],
                    }
                )
            if not vals_list:
                continue
            created = Reminder.create(vals_list)
            if promises:
                promises.write({"promise_date": False, "promise_amount": 0.0, "promise_base": 0.0})
            self.with_context(lang=self._dunning_office_lang(company))._dunning_send(
                created.filtered(lambda r: r.state == "sent")
            )
            reminders |= created
        return reminders

    @api.model
    def _dunning_office_lang(self, company):
        """Language of the outcomes and activities the clerks read: the user's when a person
        sends, the company's for the scheduled run (run by OdooBot)."""
        if self.env.uid == SUPERUSER_ID:
            return company.partner_id.lang or self.env.lang
        return self.env.lang
