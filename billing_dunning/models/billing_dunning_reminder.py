# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools.phone import format_phone


class BillingDunningReminder(models.Model):
    """One reminder sent to one customer by one run: the customer's overdue invoices, the
    level reached, interest and indemnity, and the outcome of each channel."""

    _name = "billing.dunning.reminder"
    _description = "Dunning Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
    )
    contact_id = fields.Many2one("res.partner", string="Sent to", readonly=True, check_company=True)
    policy_id = fields.Many2one(
        "billing.dunning.policy", readonly=True, check_company=True, ondelete="restrict"
    )
    level_id = fields.Many2one(
        "billing.dunning.level", readonly=True, ondelete="restrict", check_company=True
    )
    formal_notice = fields.Boolean(related="level_id.formal_notice")
    date = fields.Date(required=True, readonly=True, index=True)
    deadline = fields.Date(
        readonly=True, help="Date by which a formal notice asks the customer to pay."
    )
    manual = fields.Boolean(string="Sent by hand", readonly=True)
    state = fields.Selection(
        [
            ("to_review", "To review"),
            ("sent", "Sent to the customer"),
            ("cancelled", "Not sent"),
        ],
        string="Sending status",
        required=True,
        readonly=True,
        default="sent",
        index=True,
        copy=False,
        help="To review: prepared by the daily run of a policy that waits for review; nothing "
        "went to the customer yet, a billing manager sends it. Not sent: its invoices were paid "
        "before it was sent, or a billing manager discarded it.",
    )
    after_reminders = fields.Boolean(
        string="After earlier reminders",
        readonly=True,
        help="Some of its invoices were reminded before: a formal notice then says "
        '"despite our previous reminders".',
    )
    line_ids = fields.One2many(
        "billing.dunning.reminder.line", "reminder_id", string="Invoices", readonly=True
    )
    outcome_ids = fields.One2many(
        "billing.dunning.outcome", "reminder_id", string="Channels", readonly=True
    )
    amount_due = fields.Monetary(compute="_compute_amounts", store=True)
    amount_interest = fields.Monetary(
        string="Late interest", compute="_compute_amounts", store=True
    )
    amount_indemnity = fields.Monetary(
        string="Recovery indemnity", compute="_compute_amounts", store=True
    )
    amount_total = fields.Monetary(string="Total claimed", compute="_compute_amounts", store=True)
    interest_move_id = fields.Many2one(
        "account.move", string="Interest invoice", readonly=True, copy=False, check_company=True
    )

    payment_html = fields.Html(
        string="How to pay",
        compute="_compute_payment_html",
        sanitize=False,
        help="The company's bank account, the payment reference of each invoice and, where "
        "the company takes online payments, the link to pay each invoice: printed on the "
        "letter and added to the e-mail.",
    )

    @api.depends(
        "line_ids.amount_residual_company",
        "line_ids.amount_interest",
        "line_ids.amount_indemnity",
    )
    def _compute_amounts(self):
        for reminder in self:
            lines = reminder.line_ids
            reminder.amount_due = sum(lines.mapped("amount_residual_company"))
            reminder.amount_interest = sum(lines.mapped("amount_interest"))
            reminder.amount_indemnity = sum(lines.mapped("amount_indemnity"))
            reminder.amount_total = (
                reminder.amount_due + reminder.amount_interest + reminder.amount_indemnity
            )

    @api.depends("line_ids.move_id", "company_id", "contact_id")
    @api.depends_context("lang")
    def _compute_payment_html(self):
        memo = {}  # what the company-wide lookups found, for the whole batch
        for reminder in self:
            reminder.payment_html = reminder._dunning_payment_html(for_mail=True, memo=memo)

    @api.model_create_multi
    def create(self, vals_list):
        todo = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(todo, self._dunning_next_names(len(todo)), strict=True):
            vals["name"] = name
        return super().create(vals_list)

    @api.model
    def _dunning_next_names(self, count):
        """``count`` names from the reminders' sequence, those ``next_by_code`` draws one
        at a time (same sequence, same format), a standard sequence without date ranges
        drawn in one query."""
        if not count:
            return []
        Sequence = self.env["ir.sequence"]
        Sequence.browse().check_access("read")
        sequence = Sequence.search(
            [
                ("code", "=", "billing.dunning.reminder"),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [
            sequence.get_next_char(number)
            for number in sorted(r[0] for r in self.env.cr.fetchall())
        ]

    # ------------------------------------------------------------------
    # What the customer reads: the letter and the how-to-pay block
    # ------------------------------------------------------------------

    def _dunning_reader_country(self):
        self.ensure_one()
        return (self.contact_id.country_id or self.partner_id.country_id).code or ""

    def _dunning_phone(self, partner):
        """``partner``'s phone as the customer dials it (national format in its country)."""
        self.ensure_one()
        company_country = self.company_id.country_id.code or ""
        return format_phone(
            partner.phone or partner.mobile or "",
            partner.country_id.code or company_country,
            self._dunning_reader_country() or company_country,
        )

    def _dunning_place_date(self):
        """ "Lyon, le 6 décembre 2026": the place and date of the letter, in the reader's
        language."""
        self.ensure_one()
        date = format_date(self.env, self.date, date_format="d MMMM y")
        city = self.company_id.partner_id.city
        if not city:
            return date
        return _("%(city)s, %(date)s", city=city, date=date)

    def _dunning_bank_account(self, memo=None):
        """The company's bank account the customer pays to: the one set on the reminded
        invoices, else a bank journal's, else the company's first. ``memo``: a dict
        shared by the reminders of a batch, which keeps the company-wide look-ups."""
        self.ensure_one()
        company = self.company_id
        # the company's own accounts, printed on its invoices: read whoever prints
        bank = self.line_ids.move_id.sudo().partner_bank_id[:1]
        if not bank:
            bank = self._dunning_memo(
                memo, ("bank_journal", company.id), self._dunning_company_bank_account
            )
        return bank

    @staticmethod
    def _dunning_memo(memo, key, compute):
        """``compute()``, kept in ``memo`` under ``key`` for the other reminders of a batch
        (no ``memo``: computed each time)."""
        if memo is None:
            return compute()
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def _dunning_company_bank_account(self):
        """A bank journal's account, else the company's first."""
        self.ensure_one()
        company = self.company_id
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    *self.env["account.journal"]._check_company_domain(company),
                    ("type", "=", "bank"),
                    ("bank_account_id", "!=", False),
                ],
                limit=1,
            )
        )
        bank = journal.bank_account_id
        if not bank:
            bank = company.sudo().partner_id.bank_ids[:1]
        return bank

    def _dunning_online_payment(self, memo=None):
        """The company takes online payments: the payment module is installed and one of
        its providers is enabled (or in test mode)."""
        self.ensure_one()
        if "payment.provider" not in self.env:
            return False
        return self._dunning_memo(
            memo,
            ("online", self.company_id.id),
            lambda: bool(
                self.env["payment.provider"]
                .sudo()
                .search_count(
                    [("company_id", "=", self.company_id.id), ("state", "!=", "disabled")],
                    limit=1,
                )
            ),
        )

    def _dunning_payment_info(self, memo=None):
        """The how-to-pay data of this reminder, as plain data (``memo``: see
        ``_dunning_bank_account``)."""
        self.ensure_one()
        company = self.company_id
        bank = self._dunning_bank_account(memo)
        iban = bank.sanitized_acc_number or ""
        if iban[:2].isalpha() and iban[2:4].isdigit():
            iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        online = self._dunning_online_payment(memo)
        invoices = []
        for move in self.line_ids.move_id:
            invoices.append(
                {
                    "name": move.name,
                    "reference": move.payment_reference or move.name,
                    "url": online
                    and move.payment_state in ("not_paid", "partial")
                    and move.get_base_url() + move.get_portal_url(),
                }
            )
        return {
            "holder": (bank.partner_id or company.partner_id).name if bank else "",
            "iban": iban,
            "bic": bank.bank_bic or "",
            "bank_name": bank.bank_name or "",
            "invoices": invoices,
            "phone": self._dunning_phone(company.partner_id),
            "email": company.email or "",
        }

    def _dunning_payment_html(self, for_mail=False, memo=None):
        self.ensure_one()
        return self.env["ir.qweb"]._render(
            "billing_dunning.dunning_how_to_pay",
            {"info": self._dunning_payment_info(memo), "for_mail": for_mail},
        )

    def _action_open(self):
        action = {
            "type": "ir.actions.act_window",
            "res_model": "billing.dunning.reminder",
            "name": _("Reminders"),
        }
        if len(self) == 1:
            action.update(view_mode="form", res_id=self.id)
        else:
            action.update(view_mode="list,form", domain=[("id", "in", self.ids)])
        return action

    @api.model
    def _action_to_review(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billing_dunning.billing_dunning_reminder_to_review_action"
        )
        action["domain"] = [("state", "=", "to_review")]
        return action

    def action_send(self):
        """Send prepared reminders (billing managers only): each one once, even when two
        managers click at the same time; those whose invoices were all paid meanwhile are
        not sent."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                _(
                    "Only a billing manager can send the reminders prepared for review "
                    "(%(names)s).",
                    names=", ".join(self[:5].mapped("name")),
                )
            )
        todo = self.filtered(lambda r: r.state == "to_review")
        if not todo:
            raise UserError(_("These reminders are not waiting for review: nothing to send."))
        todo = todo._dunning_lock_to_review()
        paid = todo.filtered(
            lambda r: all(
                line.move_id.payment_state not in ("not_paid", "partial") for line in r.line_ids
            )
        )
        paid.write({"state": "cancelled"})
        for reminder in paid:
            reminder._billing_message_post(
                body=_("Not sent: its invoices were paid since it was prepared.")
            )
        todo -= paid
        today = fields.Date.context_today(self)
        for reminder in todo:
            vals = {"state": "sent"}
            if reminder.formal_notice:
                # the customer gets the whole deadline from the day the notice leaves
                vals["deadline"] = today + timedelta(days=reminder.policy_id.formal_notice_days)
            reminder.write(vals)
        if todo:
            Run = self.env["billing.dunning.run"]
            for company in todo.company_id:
                Run.with_company(company)._dunning_send(
                    todo.filtered(lambda r, c=company: r.company_id == c)
                )
        return True

    def action_discard(self):
        """Discard prepared reminders (billing managers only): nothing is sent, the
        reminder stays in the history as not sent, and its invoices go back to the level
        they had, so that the next run reminds the customer again."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                _(
                    "Only a billing manager can discard the reminders prepared for review "
                    "(%(names)s).",
                    names=", ".join(self[:5].mapped("name")),
                )
            )
        todo = self.filtered(lambda r: r.state == "to_review")
        if not todo:
            raise UserError(_("These reminders are not waiting for review: nothing to discard."))
        todo = todo._dunning_lock_to_review()
        invoiced = todo.filtered("interest_move_id")
        if invoiced:
            raise UserError(
                _(
                    "Reminder %(name)s has its interest invoice %(invoice)s: cancel or delete "
                    "that invoice before discarding the reminder.",
                    name=invoiced[0].name,
                    invoice=invoiced[0].interest_move_id.display_name,
                )
            )
        todo._dunning_release_invoices()
        todo.write({"state": "cancelled"})
        for reminder in todo:
            reminder._billing_message_post(
                body=_(
                    "Discarded by %(user)s: not sent. Its invoices are back at the level they "
                    "had; the next run reminds them again.",
                    user=self.env.user.name,
                )
            )
        return True

    def unlink(self):
        # a reminder prepared for review and deleted gives its invoices back to the run
        self.filtered(lambda r: r.state == "to_review")._dunning_release_invoices()
        return super().unlink()

    def _dunning_release_invoices(self):
        """Take the invoices of these reminders (not sent) back to the level, date of last
        reminder and date of formal notice they had before, where no other reminder moved
        them since; their lines no longer hold the level (an invoice reaches a level once,
        by one reminder line), which the next run can give again."""
        lines = self.line_ids.filtered("level_id")
        if not lines:
            return
        Line = self.env["billing.dunning.reminder.line"]
        Move = self.env["account.move"]
        fnames = ["dunning_level_id", "dunning_last_date", "dunning_notice_date"]
        Move.flush_model(fnames)
        self.flush_recordset()
        lines.flush_recordset()
        # what the other reminders not discarded did to each invoice: last date, first notice
        last_date = {}
        first_notice = {}
        for other in Line.sudo().search(
            [
                ("move_id", "in", lines.move_id.ids),
                ("reminder_id", "not in", self.ids),
                ("reminder_id.state", "!=", "cancelled"),
                ("level_id", "!=", False),
            ]
        ):
            move, date = other.move_id, other.reminder_id.date
            last_date[move] = max(last_date.get(move, date), date)
            if other.level_id.formal_notice:
                first_notice[move] = min(first_notice.get(move, date), date)
        for line in lines:
            move = line.move_id
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_move
                       SET dunning_level_id = %s, dunning_last_date = %s,
                           dunning_notice_date = CASE WHEN %s THEN %s ELSE dunning_notice_date END
                     WHERE id = %s AND dunning_level_id = %s
                    """,
                    line.previous_level_id.id or None,
                    last_date.get(move) or None,
                    bool(line.level_id.formal_notice),
                    first_notice.get(move) or None,
                    move.id,
                    line.level_id.id,
                )
            )
        lines.move_id.invalidate_recordset(fnames)
        lines.sudo().write({"level_id": False})

    def _dunning_lock_to_review(self):
        """Those of these reminders still to review, locked until the transaction ends: a
        reminder another worker is sending right now is left to it (``SKIP LOCKED``), one it
        sent is no longer to review."""
        if not self:
            return self
        self.flush_recordset(["state"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM billing_dunning_reminder WHERE id = ANY(%s) AND state = "
                "'to_review' ORDER BY id FOR UPDATE SKIP LOCKED",
                self.ids,
            )
        )
        locked = self.browse([row[0] for row in self.env.cr.fetchall()])
        locked.invalidate_recordset(["state"])
        return locked

    def action_print_letter(self):
        """Print the letters of these reminders; their letter outcomes become sent."""
        self.outcome_ids.filtered(lambda o: o.channel == "letter" and o.state == "todo").write(
            {"state": "done", "note": _("Printed")}
        )
        return self.env.ref("billing_dunning.action_report_dunning_reminder").report_action(self)

    def action_create_interest_invoice(self):
        """Issue the late interest and indemnity of this reminder as a draft customer
        invoice that references the late invoices."""
        self.ensure_one()
        if self.interest_move_id:
            raise UserError(
                _(
                    "Reminder %(name)s already has its interest invoice %(invoice)s.",
                    name=self.name,
                    invoice=self.interest_move_id.display_name,
                )
            )
        entries = [
            {
                "move": line.move_id,
                "interest": line.amount_interest
                if not line.move_id.dunning_interest_until
                or line.move_id.dunning_interest_until < self.date
                else 0.0,
                "detail": line.interest_detail,
                "indemnity": line.amount_indemnity,
            }
            for line in self.line_ids
        ]
        invoice = self.env["billing.dunning.interest.invoice"]._dunning_interest_invoice(
            self.company_id, self.partner_id, self.policy_id, entries, self.date, self.name
        )
        if not invoice:
            raise UserError(
                _(
                    "Reminder %(name)s has no late interest or indemnity left to invoice.",
                    name=self.name,
                )
            )
        self.interest_move_id = invoice
        self._billing_message_post(
            body=_("Interest invoice %(invoice)s created.", invoice=invoice.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }
