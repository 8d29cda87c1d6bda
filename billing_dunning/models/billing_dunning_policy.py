# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools import levels as level_tools

# an invoice overdue for longer than this is "old": a new policy warns how many it would chase
OLD_OVERDUE_DAYS = 90


class BillingDunningPolicy(models.Model):
    _name = "billing.dunning.policy"
    _description = "Dunning Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_ids = fields.One2many("billing.dunning.level", "policy_id", string="Levels", copy=True)
    is_default = fields.Boolean(
        string="Default policy",
        copy=False,
        help="Used for every customer of the company that has no policy of its own.",
    )
    skip_levels = fields.Boolean(
        string="Start at the level reached",
        help="An invoice reminded for the first time (or after a pause) gets at once the "
        "highest level its delays reached, a formal notice included. Unticked, levels go out "
        "in order: first the first level, then each next one no sooner than the difference "
        "of their delays after the previous one.",
    )
    send_mode = fields.Selection(
        [
            ("review", "Prepare and wait for review"),
            ("auto", "Send automatically"),
        ],
        string="Sending",
        required=True,
        default="review",
        help="Prepare and wait for review: the daily run prepares the reminders and a billing "
        "manager checks and sends them (Reminders to review). Send automatically: the daily run "
        "sends them at once by e-mail, letter and phone call.",
    )
    ignore_due_before = fields.Date(
        string="Ignore invoices due before",
        help="Invoices that fell due before this date are never reminded by this policy "
        "(the history of a database where dunning starts today).",
    )
    old_overdue_count = fields.Integer(
        string="Old overdue invoices",
        compute="_compute_old_overdue",
        help="Overdue invoices of the company due for more than 90 days that this policy would "
        "chase (none before its 'Ignore invoices due before' date).",
    )
    old_overdue_date = fields.Date(string="Oldest overdue due date", compute="_compute_old_overdue")
    old_overdue_warning = fields.Char(string="Old invoices warning", compute="_compute_old_overdue")
    review_count = fields.Integer(string="Reminders to review", compute="_compute_review_count")
    grace_days = fields.Integer(
        help="Days added to every level delay before an invoice counts as overdue."
    )
    pa_payment_sent_days = fields.Integer(
        string="Wait after 'Payment sent' (days)",
        default=10,
        help="When the customer's e-invoicing platform reports the payment of an invoice as "
        "sent (status 211 Paiement transmis), the invoice is not reminded for this many days "
        "after that status. Needs French Billing Compliance.",
    )
    min_amount = fields.Monetary(
        string="Minimum amount",
        currency_field="currency_id",
        help="A customer whose overdue total is below this amount is not reminded.",
    )
    interest_rate = fields.Float(
        string="Contractual penalty rate (%)",
        digits=(16, 4),
        help="Late-payment rate printed on your invoices. Used when higher than the legal "
        "rate (ECB refinancing rate of the half-year + 10 points).",
    )
    formal_notice_days = fields.Integer(
        string="Formal notice deadline (days)",
        default=8,
        help="Days given to the customer to pay after a formal notice.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Interest journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of the invoices of late interest and indemnity.",
    )
    interest_account_id = fields.Many2one(
        "account.account",
        string="Interest account",
        check_company=True,
        help="Income account of late interest and indemnity lines; the journal's default "
        "account when empty.",
    )

    @api.depends("company_id", "ignore_due_before")
    @api.depends_context("uid")
    def _compute_old_overdue(self):
        today = fields.Date.context_today(self)
        for policy in self:
            company = policy.company_id or self.env.company
            domain = [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today - timedelta(days=OLD_OVERDUE_DAYS)),
            ]
            if policy.ignore_due_before:
                domain.append(("invoice_date_due", ">=", policy.ignore_due_before))
            groups = self.env["account.move"]._read_group(
                domain, aggregates=["__count", "invoice_date_due:min"]
            )
            policy.old_overdue_count, policy.old_overdue_date = groups[0] if groups else (0, False)
            policy.old_overdue_warning = policy._old_overdue_warning()

    def _compute_review_count(self):
        groups = self.env["billing.dunning.reminder"]._read_group(
            [("policy_id", "in", self.ids), ("state", "=", "to_review")],
            groupby=["policy_id"],
            aggregates=["__count"],
        )
        counts = {policy.id: count for policy, count in groups}
        for policy in self:
            policy.review_count = counts.get(policy.id, 0)

    @api.constrains("is_default", "company_id", "active")
    def _check_is_default(self):
        for policy in self.filtered(lambda p: p.is_default and p.active):
            others = self.search_count(
                [
                    ("company_id", "=", policy.company_id.id),
                    ("is_default", "=", True),
                    ("id", "!=", policy.id),
                ]
            )
            if others:
                raise ValidationError(
                    _(
                        "Policy %(name)s cannot be the default policy: company %(company)s "
                        "already has one (field: Default policy).",
                        name=policy.name,
                        company=policy.company_id.name,
                    )
                )

    @api.constrains("grace_days", "min_amount", "formal_notice_days")
    def _check_positive(self):
        for policy in self:
            if policy.grace_days < 0 or policy.min_amount < 0 or policy.formal_notice_days < 0:
                raise ValidationError(
                    _(
                        "Policy %(name)s: grace days, minimum amount and formal notice "
                        "deadline cannot be negative.",
                        name=policy.name,
                    )
                )

    @api.constrains("pa_payment_sent_days")
    def _check_pa_payment_sent_days(self):
        for policy in self:
            if policy.pa_payment_sent_days < 0:
                raise ValidationError(
                    _(
                        "Policy %(name)s: the wait after 'Payment sent' cannot be negative.",
                        name=policy.name,
                    )
                )

    def action_view_reminders_to_review(self):
        """The reminders the daily run prepared under this policy, waiting for a billing
        manager to send them."""
        action = self.env["billing.dunning.reminder"]._action_to_review()
        action["domain"] = [("policy_id", "in", self.ids), ("state", "=", "to_review")]
        return action

    def action_set_auto(self):
        """Switch to automatic sending: explicit, by a billing manager."""
        self.write({"send_mode": "auto"})

    def action_set_review(self):
        self.write({"send_mode": "review"})

    def _old_overdue_warning(self):
        """The warning shown on a policy without cut-off date in a database with history."""
        self.ensure_one()
        if self.ignore_due_before or not self.old_overdue_count:
            return False
        return _(
            "%(count)s overdue invoices of %(company)s are due for more than %(days)s days "
            "(the oldest on %(date)s): the first run of this policy would remind them all. "
            "Set 'Ignore invoices due before' to leave them out.",
            count=self.old_overdue_count,
            company=self.company_id.name,
            days=OLD_OVERDUE_DAYS,
            date=format_date(self.env, self.old_overdue_date),
        )

    @api.model
    def _get_default_policy(self, company):
        return self.search([("company_id", "=", company.id), ("is_default", "=", True)], limit=1)

    def _sorted_levels(self):
        self.ensure_one()
        return self.level_ids.sorted(lambda lvl: (lvl.sequence, lvl.id))

    @staticmethod
    def _dunning_level_index(levels, level):
        if not level:
            return -1
        if level in levels:
            return list(levels).index(level)
        return sum(1 for lvl in levels if lvl.sequence <= level.sequence) - 1

    def _dunning_next_level(self, levels, move, today, force_next=False):
        """(level reached today or False, next level, date the next level is due or False),
        by the rules of tools/levels.py from the invoice's current level; ``levels``: this
        policy's levels in order (read once per run)."""
        self.ensure_one()
        reached, upcoming, due_on = level_tools.next_level(
            [level_tools.Level(lvl.delay_days, lvl.delay_from == "previous") for lvl in levels],
            self._dunning_level_index(levels, move.dunning_level_id),
            move.dunning_last_date,
            move.invoice_date_due,
            self.grace_days,
            today,
            force_next=force_next,
            skip_levels=self.skip_levels,
        )
        return (
            levels[reached] if reached is not None else False,
            levels[upcoming] if upcoming is not None else False,
            due_on or False,
        )

    @api.model
    def _demo_translate(self):
        """Demo: the French names of the demo policy and levels (the demo customers and
        company are French), kept beside the English ones."""
        names = {
            "demo_policy_standard": "Standard B2B",
            "demo_level_friendly": "Relance amiable",
            "demo_level_second": "Deuxième relance et appel",
            "demo_level_notice": "Mise en demeure",
        }
        for xmlid, name in names.items():
            record = self.env.ref(f"billing_dunning.{xmlid}", raise_if_not_found=False)
            if record:
                # stored even when French is not installed yet (update_field_translations
                # keeps installed languages only)
                record.flush_recordset(["name"])
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET name = name || jsonb_build_object('fr_FR', %s) "
                        "WHERE id = %s",
                        SQL.identifier(record._table),
                        name,
                        record.id,
                    )
                )
                record.invalidate_recordset(["name"])
        return True

    @api.model
    def _demo_company(self):
        """Demo: the company of the demo records. l10n_fr's demo company when l10n_fr is
        installed with its demo (l10n_fr_account gives it the French chart of accounts, and
        billing_fr_compliance its French identity), else the main company."""
        return self.env.ref("base.demo_company_fr", raise_if_not_found=False) or self.env.ref(
            "base.main_company"
        )

    @api.model
    def _demo_create_invoices(self, company):
        """Demo: posted invoices of the demo customers, 8 to 50 days overdue, in a sales
        journal of their own. Does nothing without this module's demo customers, without a
        sales journal yet, or twice."""
        if isinstance(company, int):
            company = self.env["res.company"].browse(company)
        refs = {
            key: self.env.ref(f"billing_dunning.demo_partner_{key}", raise_if_not_found=False)
            for key in ("dubois", "garnier", "lefebvre")
        }
        if company != self._demo_company() or not all(refs.values()):
            return False
        Move = self.env["account.move"].with_company(company)
        partners = self.env["res.partner"].browse([p.id for p in refs.values()])
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")],
            limit=1,
        )
        params = self.env["ir.config_parameter"].sudo()
        if not journal:
            # no chart of accounts yet: created once it is loaded (ir.module.module hook)
            params.set_param("billing_dunning.demo_invoices_pending", str(company.id))
            return False
        params.set_param("billing_dunning.demo_invoices_pending", False)
        if Move.search_count(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)], limit=1
        ):
            return False
        # back-dated invoices posted after the other demo invoices of the sales journal
        # would break its chronological numbering: they get a journal of their own
        journal = self.env["account.journal"].create(
            {
                "name": _("Sales (dunning demo)"),
                "code": "RLDEM",
                "type": "sale",
                "company_id": company.id,
                "default_account_id": journal.default_account_id.id,
            }
        )
        # its name in every installed language (the demo is loaded in English)
        for lang, __ in self.env["res.lang"].get_installed():
            translated = self.with_context(lang=lang).env._("Sales (dunning demo)")
            journal.with_context(lang=lang).name = translated
        today = fields.Date.context_today(self)
        specs = [
            ("dubois", 8, "Pose de menuiseries", 1800.0),
            ("dubois", 50, "Fourniture de bois", 2850.0),
            ("garnier", 25, "Transport de marchandises", 640.0),
            ("lefebvre", 12, "Dépannage", 180.0),
        ]
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "partner_id": refs[key].id,
                    "invoice_date": today - timedelta(days=late + 30),
                    "invoice_date_due": today - timedelta(days=late),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.set(company.account_sale_tax_id.ids)],
                            }
                        )
                    ],
                }
                for key, late, label, amount in specs
            ]
        )
        customers, history, paid_on = self._demo_create_history(company, journal, today)
        # not due yet (or just due): the cash-in forecast of the coming weeks
        coming = Move.create(
            [
                self._demo_invoice_vals(company, journal, partner, today, due, label, amount)
                for partner, due, label, amount in [
                    (customers["martin"], 12, "Pains et viennoiseries", 420.0),
                    (refs["dubois"], 20, "Escalier chêne", 3600.0),
                    (customers["roux"], 28, "Restauration de fauteuils", 1250.0),
                    (customers["roux"], -6, "Tissus d'ameublement", 560.0),
                    (refs["lefebvre"], 25, "Entretien annuel", 240.0),
                ]
            ]
        )
        # posted oldest first: the journal's numbering follows the dates
        for move in (history + moves + coming).sorted(lambda m: (m.invoice_date, m.id)):
            move.action_post()
        bank = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "bank")],
            limit=1,
        )
        # paid in the order of the payment dates (the bank journal's numbering)
        for paid, move in sorted(
            zip(paid_on, history, strict=True), key=lambda pair: (pair[0], pair[1].id)
        ):
            self.env["account.payment.register"].with_company(company).with_context(
                active_model="account.move", active_ids=move.ids
            ).create({"payment_date": paid, "journal_id": bank.id})._create_payments()
        if "billing.pa.platform" in self.env:
            # billing_fr_compliance's demo platform: Garnier's most overdue invoice disputed
            self.env["billing.pa.platform"]._billing_pa_demo_data()
        else:
            garnier = moves.filtered(lambda move: move.partner_id == refs["garnier"])
            garnier.write(
                {"dunning_disputed": True, "dunning_dispute_reason": "Marchandise abîmée"}
            )
        return True

    @api.model
    def _demo_invoice_vals(self, company, journal, partner, today, due, label, amount):
        """Demo: an invoice due in ``due`` days (negative: ago), dated 30 days before."""
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": journal.id,
            "partner_id": partner.id,
            "invoice_date": today + timedelta(days=due - 30),
            "invoice_date_due": today + timedelta(days=due),
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": label,
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.set(company.account_sale_tax_id.ids)],
                    }
                )
            ],
        }

    @api.model
    def _demo_create_history(self, company, journal, today):
        """Demo: a year of paid invoices, one a month, for customers with distinct habits,
        so that the schedule's expected dates, the forecast and its backtest are alive:
        Boulangerie Martin pays on the due date, Menuiserie Dubois about 20 days late,
        Atelier Roux a few days after the second reminder (20 days), Transports Garnier
        about a week late (its open invoice is disputed). Julie Lefebvre has no paid
        invoice: she gets the company's habit. Returns the customers by key, the invoices
        (not posted) and the date each is paid."""
        Partner = self.env["res.partner"]
        new = {
            "martin": Partner.create(
                {
                    "name": "Boulangerie Martin",
                    "is_company": True,
                    "email": "contact@boulangerie-martin.example",
                    "vat": "FR96412345670",
                    "street": "21 rue Saint-Jean",
                    "city": "Lyon",
                    "zip": "69007",
                    "country_id": self.env.ref("base.fr").id,
                    "lang": "fr_FR" if self.env["res.lang"]._lang_get("fr_FR") else False,
                }
            ),
            "roux": Partner.create(
                {
                    "name": "Atelier Roux",
                    "is_company": True,
                    "email": "atelier@roux.example",
                    "vat": "FR31523187904",
                    "street": "3 quai Jean Jaurès",
                    "city": "Vienne",
                    "zip": "38200",
                    "country_id": self.env.ref("base.fr").id,
                    "lang": "fr_FR" if self.env["res.lang"]._lang_get("fr_FR") else False,
                }
            ),
        }
        customers = {
            **new,
            "dubois": self.env.ref("billing_dunning.demo_partner_dubois"),
            "garnier": self.env.ref("billing_dunning.demo_partner_garnier"),
        }
        # days paid after the due date, invoice by invoice (oldest first): a habit with
        # its noise, and one outlier each for the late payers
        delays = {
            "martin": [0, -1, 0, 2, 0, 0, -3, 1, 0, 0, 1, 0],
            "dubois": [18, 22, 19, 25, 21, 17, 20, 23, 45, 19, 21, 20],
            "roux": [23, 22, 25, 22, 24, 23, 21, 26, 22, 23, 24, 22],
            "garnier": [7, 9, 6, 8, 30, 7, 8, 6, 9, 7, 8, 7],
        }
        amounts = {"martin": 380.0, "dubois": 2400.0, "roux": 950.0, "garnier": 720.0}
        Move = self.env["account.move"].with_company(company)
        vals, paid_on = [], []
        for month in range(12):
            # due 353 days ago for the oldest, 45 days ago for the latest
            due = -45 - 28 * (11 - month)
            for key, partner in customers.items():
                vals.append(
                    self._demo_invoice_vals(
                        company,
                        journal,
                        partner,
                        today,
                        due,
                        "Prestations du mois",
                        amounts[key] + 10 * month,
                    )
                )
                paid_on.append(today + timedelta(days=due + delays[key][month]))
        return customers, Move.create(vals), paid_on
