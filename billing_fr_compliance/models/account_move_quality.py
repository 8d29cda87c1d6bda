# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing quality and credit-note controls, issue 22: its own file, so that parallel work on
# the base files merges)
import functools
import logging

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

from .billing_fr_refusal import refusals_insert_sql

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "account.group_account_manager"
# the refusals waiting for the end of the transaction, in the data of its cursor's hooks
REFUSALS_KEY = "billing_fr_compliance.refusals"


def _write_refusals(registry, rows):
    """Write the gate refusals ``rows`` through a cursor of their own (pooled), committed at
    once. Called when the transaction that refused them has ended (rolled back or committed):
    they stay although the refused posting is rolled back. One query, committed without
    waiting for the disk (``synchronous_commit = off``: a statistic, lost at worst by a crash
    of the database server in the next fraction of a second); never raises."""
    if not rows:
        return
    query = SQL(
        "SET LOCAL lock_timeout = '200ms'; SET LOCAL synchronous_commit = off; %s",
        refusals_insert_sql(rows),
    )
    try:
        with registry.cursor() as cr:
            cr.execute(query)
    except Exception as exc:  # a record of a refusal never blocks anything
        _logger.info("gate refusals not recorded (%s): %s", rows, exc)
    finally:
        rows.clear()


class AccountMove(models.Model):
    _inherit = "account.move"

    fr_credit_reason_id = fields.Many2one(
        "billing.fr.credit.reason",
        string="Credit Note Category",
        copy=False,
        tracking=True,
        help="Why the credit note is issued, from the list billing managers keep. Required "
        "on a credit note of a French company, kept in its legal snapshot, printed nowhere.",
    )
    fr_credit_approval = fields.Selection(
        selection=[("to_approve", "Waiting for Approval"), ("approved", "Approved")],
        string="Credit Note Approval",
        copy=False,
        readonly=True,
        tracking=True,
        help="A credit note above the company's approval threshold is posted once a billing "
        "manager approved it.",
    )
    fr_credit_approved_amount = fields.Monetary(
        string="Approved Amount",
        copy=False,
        readonly=True,
        help="Total of the credit note when it was approved: a larger total needs a new approval.",
    )
    fr_credit_needs_approval = fields.Boolean(
        string="Needs Approval",
        compute="_compute_fr_credit_needs_approval",
        help="The credit note is above the approval threshold of its company and not approved "
        "for its total.",
    )

    @api.depends(
        "move_type",
        "state",
        "amount_total",
        "amount_total_signed",
        "reversed_entry_id.amount_total",
        "fr_credit_approval",
        "fr_credit_approved_amount",
        "company_id",
    )
    def _compute_fr_credit_needs_approval(self):
        for move in self:
            move.fr_credit_needs_approval = (
                move.state == "draft"
                and move.move_type == "out_refund"
                and move.company_id._fr_is_french()
                and move._fr_credit_above_threshold()
                and not move._fr_credit_is_approved()
            )

    # ------------------------------------------------------------------
    # Posting: reasons and approval of credit notes, the operator
    # ------------------------------------------------------------------

    def _post(self, soft=True):
        # billing_fr_compliance (account_move.py): above the approval threshold, a French
        # credit note is posted by a billing manager (or once one approved it); then the gate
        refunds = self.filtered(
            lambda m: m.state == "draft"
            and m.move_type == "out_refund"
            and m.company_id._fr_is_french()
        )
        if refunds:
            refunds._fr_check_credit_approval()
        return super()._post(soft=soft)

    # ------------------------------------------------------------------
    # The category of a credit note: one more check of the gate
    # ------------------------------------------------------------------

    @api.model
    def _fr_mention_labels(self):
        labels = super()._fr_mention_labels()
        labels["credit_category"] = _(
            "Category of the credit note (price error, return, commercial discount...)"
        )
        return labels

    def _fr_compliance_issues(self):
        # billing_fr_compliance (account_move.py): a credit note of a French company has a
        # category, checked (and refused, or warned about) with the mandatory mentions
        result = super()._fr_compliance_issues()
        for move in self:
            if move.move_type == "out_refund" and not move.fr_credit_reason_id:
                line = move._fr_issue_line({"code": "credit_category", "where": "credit_category"})
                result[move] = "\n".join(filter(None, [result.get(move), line]))
        return result

    def _fr_where_label(self, where):
        if where == "credit_category":
            return _("the credit note: Credit Note Category field")
        return super()._fr_where_label(where)

    def _fr_credit_above_threshold(self):
        """The credit note is above its company's approval threshold (an amount in the
        company's currency, or a share of the invoice it corrects; 0 is off)."""
        self.ensure_one()
        company = self.company_id
        amount = abs(self.amount_total_signed)
        limit = company.billing_credit_approval_amount
        if (
            limit
            and float_compare(amount, limit, precision_rounding=company.currency_id.rounding) > 0
        ):
            return True
        share = company.billing_credit_approval_share
        origin = self.reversed_entry_id
        if share and origin and origin.amount_total:
            return self.amount_total * 100.0 / origin.amount_total > share + 1e-9
        return False

    def _fr_credit_is_approved(self):
        self.ensure_one()
        return (
            self.fr_credit_approval == "approved"
            and float_compare(
                self.amount_total,
                self.fr_credit_approved_amount,
                precision_rounding=self.currency_id.rounding,
            )
            <= 0
        )

    def _fr_check_credit_approval(self):
        """Credit notes above the threshold: a billing manager posting them approves them (and
        the chatter says so); anyone else is stopped with what to do."""
        waiting = self.filtered(
            lambda m: m._fr_credit_above_threshold() and not m._fr_credit_is_approved()
        )
        if not waiting:
            return
        if self.env.user.has_group(MANAGER_GROUP):
            waiting._fr_credit_approve()
            return
        raise UserError(
            _(
                "These credit notes are above the approval threshold of their company: a "
                "billing manager must approve them before they are posted. Click "
                '"Request Approval": the billing managers receive an activity.\n%(moves)s',
                moves="\n".join(
                    self.env._(
                        "- %(move)s (%(partner)s): %(amount)s",
                        move=m._fr_label(),
                        partner=m.partner_id.name or "",
                        amount=m.currency_id.format(m.amount_total),
                    )
                    for m in waiting
                ),
            )
        )

    def _fr_credit_approve(self):
        for move in self:
            move.write(
                {"fr_credit_approval": "approved", "fr_credit_approved_amount": move.amount_total}
            )
            move._billing_message_post(
                body=_(
                    "Credit note of %(amount)s approved by %(user)s (above the approval "
                    "threshold of %(company)s).",
                    amount=move.currency_id.format(move.amount_total),
                    user=self.env.user.name,
                    company=move.company_id.name,
                )
            )
            summary = move._fr_credit_activity_summary()
            todo = move.activity_ids.filtered(lambda a, s=summary: a.summary == s)
            if todo:
                todo.sudo().action_feedback(
                    feedback=_("Approved by %(user)s", user=self.env.user.name)
                )

    def _fr_credit_activity_summary(self):
        return _("Credit note to approve")

    def action_fr_credit_request_approval(self):
        """Ask the company's billing managers to approve the credit note (an activity each)."""
        for move in self.filtered("fr_credit_needs_approval"):
            managers = self.env.ref(MANAGER_GROUP).users.filtered(
                lambda u, c=move.company_id: c in u.company_ids and not u.share
            )
            move.fr_credit_approval = "to_approve"
            for manager in managers:
                move._billing_activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=move._fr_credit_activity_summary(),
                    note=_(
                        "%(user)s asks you to approve the credit note %(move)s of %(amount)s.",
                        user=self.env.user.name,
                        move=move._fr_label(),
                        amount=move.currency_id.format(move.amount_total),
                    ),
                    user_id=manager.id,
                )
            move._billing_message_post(
                body=_("Approval requested by %(user)s.", user=self.env.user.name)
            )
        return True

    def action_fr_credit_approve(self):
        """Approve the credit note (billing managers)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a billing manager can approve a credit note."))
        self.filtered(
            lambda m: m.state == "draft" and m.move_type == "out_refund"
        )._fr_credit_approve()
        return True

    # ------------------------------------------------------------------
    # Legal snapshot: the category of a credit note is kept there (printed nowhere)
    # ------------------------------------------------------------------

    def _fr_build_legal_snapshot(self):
        data = super()._fr_build_legal_snapshot()
        if self.move_type == "out_refund" and self.fr_credit_reason_id:
            french = "fr_FR" in dict(self.env["res.lang"].get_installed())
            reason = self.fr_credit_reason_id.with_context(lang="fr_FR" if french else "en_US")
            data["credit_reason_code"] = reason.code
            data["credit_reason_category"] = reason.name
        return data

    # ------------------------------------------------------------------
    # Gate refusals are recorded (billing quality report)
    # ------------------------------------------------------------------

    def _fr_raise_refusal(self, refused):
        # billing_fr_compliance (account_move.py): record what the clerk saw, then refuse
        self._fr_record_refusals(refused)
        return super()._fr_raise_refusal(refused)

    @api.model
    def _fr_refusal_codes(self, text, labels):
        """The codes of the mentions a refusal text lists (one '- <label>...' line each)."""
        ordered = sorted(labels.items(), key=lambda item: -len(item[1]))
        codes = []
        for line in text.splitlines():
            if not line.startswith("- "):
                continue
            body = line[2:]
            code = next((c for c, label in ordered if body.startswith(label)), "other")
            if code not in codes:
                codes.append(code)
        return codes

    @api.model
    @tools.ormcache("self.env.lang")
    def _fr_refusal_labels(self):
        """``_fr_mention_labels()`` as (code, label) pairs, cached per language: recording a
        refusal translates no label again."""
        return tuple(self._fr_mention_labels().items())

    def _fr_record_refusals(self, refused):
        """One event per refused document (document, user, company, codes of the missing
        mentions, the document as the refusal named it), written once the transaction ends,
        whether it is rolled back (the refused click) or committed (a refusal caught by the
        caller): Odoo's post-commit and post-rollback hooks of the cursor, as ``bus.bus``
        notifies after the commit. No query on the posting's cursor."""
        labels = dict(self._fr_refusal_labels())
        rows = [
            (
                move.id,
                self.env.uid,
                move.company_id.id,
                ",".join(self._fr_refusal_codes(text, labels)),
                "%s (%s)" % (move._fr_label(), move.partner_id.name or ""),
            )
            for move, text in refused.items()
            if isinstance(move.id, int)
        ]
        if not rows:
            return
        cr = self.env.cr
        pending = cr.postrollback.data.get(REFUSALS_KEY)
        if pending is None:
            # one list for both hooks: whichever runs writes it (commit and rollback clear
            # the other's)
            pending = cr.postrollback.data[REFUSALS_KEY] = cr.postcommit.data[REFUSALS_KEY] = []
            write = functools.partial(_write_refusals, self.env.registry, pending)
            cr.postrollback.add(write)
            cr.postcommit.add(write)
        pending.extend(rows)
