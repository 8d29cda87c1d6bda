# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import cdar


class BillingPaStatus(models.Model):
    """One lifecycle status of a customer invoice (XP Z12-012, a CDAR message): received from
    the approved platform (PA) or emitted by us, with the CDAR it came in or went out as."""

    _name = "billing.pa.status"
    _description = "Platform Lifecycle Status"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "code"

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index=True,
        ondelete="cascade",
        check_company=True,
        readonly=True,
        help="The invoice the status is about. Empty when no posted invoice of the company "
        "matches the number, seller SIREN and date the status names.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda s: s.env.company
    )
    code = fields.Char(
        required=True,
        index=True,
        readonly=True,
        help="Status code of the French lifecycle (XP Z12-012, e.g. 207 En litige).",
    )
    label = fields.Char(string="Status", compute="_compute_label")
    cdar_label = fields.Char(
        string="Label in the Message", readonly=True, help="The status name written in the CDAR."
    )
    known = fields.Boolean(
        compute="_compute_label",
        help="The addon knows this status code. An unknown code is kept and shown as it came.",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    direction = fields.Selection(
        selection=[("in", "Received"), ("out", "Emitted by us")],
        required=True,
        readonly=True,
        default="in",
    )
    reason_code = fields.Char(readonly=True)
    reason_label = fields.Char(
        string="Reason",
        compute="_compute_reason_label",
        help="The official wording of the reason code (XP Z12-012), e.g. Quantité erronée.",
    )
    reason = fields.Text(
        string="Details",
        readonly=True,
        help="The words of who set the status: what is wrong, what they expect.",
    )
    action_code = fields.Char(string="Requested Action Code", readonly=True)
    action = fields.Text(string="Requested Action", readonly=True)
    emitter_role = fields.Char(
        readonly=True, help="Role of who set the status: SE seller, BY buyer, WK platform..."
    )
    emitter_role_label = fields.Char(string="Emitted by", compute="_compute_label")
    emitter_name = fields.Char(readonly=True)
    emitter_identifier = fields.Char(readonly=True, help="SIREN (or other identifier)")
    invoice_number = fields.Char(readonly=True, help="The invoice number the status names.")
    invoice_date = fields.Date(readonly=True)
    seller_siren = fields.Char(readonly=True)
    amounts = fields.Json(
        readonly=True, help="Amounts received per VAT rate (212 Encaissée), tax included."
    )
    amounts_text = fields.Char(string="Amounts per VAT Rate", compute="_compute_amounts_text")
    platform_flow_id = fields.Char(
        string="Platform Flow ID", readonly=True, index=True, help="Flow identifier at the PA."
    )
    cdar_document_id = fields.Char(string="Message ID", readonly=True)
    cdar_key = fields.Char(
        readonly=True,
        index=True,
        copy=False,
        help="Identifies a status of one message: the same message twice records nothing new.",
    )
    attachment_id = fields.Many2one(
        "ir.attachment",
        string="CDAR File",
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    validation_errors = fields.Text(
        readonly=True,
        help="What the XSD and the BR-FR-CDV schematron found wrong in the message. "
        "The status is recorded all the same.",
    )
    partial_reconcile_id = fields.Many2one(
        "account.partial.reconcile",
        string="Reconciliation",
        readonly=True,
        ondelete="set null",
        check_company=True,
        index="btree_not_null",
        help="212 we emitted: the reconciliation of the payment it reports.",
    )
    send_state = fields.Selection(
        selection=[("waiting", "Waiting for the platform queue"), ("queued", "Queued")],
        readonly=True,
        copy=False,
        help="Statuses we emit: queued for the platform once the sending queue exists.",
    )

    _sql_constraints = [
        (
            "cdar_key_unique",
            "UNIQUE(company_id, cdar_key)",
            "This lifecycle status is already recorded.",
        ),
    ]

    @api.depends("code", "cdar_label", "emitter_role")
    @api.depends_context("lang")
    def _compute_label(self):
        labels = self._billing_pa_status_labels()
        roles = self._billing_pa_role_labels()
        for status in self:
            status.known = status.code in labels
            status.label = labels.get(status.code) or (status.cdar_label or "").replace("_", " ")
            if not status.label:
                status.label = _("Unknown status %(code)s", code=status.code)
            status.emitter_role_label = roles.get(status.emitter_role) or status.emitter_role

    @api.depends("reason_code")
    def _compute_reason_label(self):
        for status in self:
            code = status.reason_code
            status.reason_label = cdar.REASON_LABELS.get(code or "", code) or False

    @api.depends("amounts")
    def _compute_amounts_text(self):
        for status in self:
            parts = []
            for item in status.amounts or []:
                rate = item.get("rate")
                rate_text = f"{rate:g} %" if rate is not None else "?"
                parts.append(
                    f"{rate_text}: {item.get('amount', 0):.2f} {item.get('currency') or ''}"
                )
            status.amounts_text = ", ".join(parts)

    @api.depends("code", "label", "date")
    def _compute_display_name(self):
        for status in self:
            status.display_name = f"{status.code} {status.label}"

    @api.model
    def _billing_pa_status_labels(self):
        """Status code -> label in the user's language (French: the official names)."""
        return {
            "200": _("Submitted"),
            "201": _("Issued by the platform"),
            "202": _("Received by the platform"),
            "203": _("Made available"),
            "204": _("Taken over"),
            "205": _("Approved"),
            "206": _("Partially approved"),
            "207": _("Disputed"),
            "208": _("Suspended"),
            "209": _("Completed"),
            "210": _("Refused"),
            "211": _("Payment sent"),
            "212": _("Payment received"),
            "213": _("Rejected"),
            "214": _("Endorsed"),
            "220": _("Cancelled"),
            "221": _("Routing error"),
            "501": _("Inadmissible"),
        }

    @api.model
    def _billing_pa_role_labels(self):
        return {
            "SE": _("Seller"),
            "BY": _("Buyer"),
            "WK": _("Platform"),
            "DFH": _("Public invoicing portal"),
            "SR": _("Seller's tax representative"),
            "AB": _("Buyer's agent"),
            "DL": _("Factor"),
            "PE": _("Payee"),
            "PR": _("Payer"),
            "II": _("Invoice issuer"),
            "IV": _("Invoicee"),
        }

    def _billing_pa_explanation(self):
        """What a clerk needs to read about this status, one line each: the reason (official
        wording and code), the words of who set it when they add something, the requested
        action."""
        self.ensure_one()
        lines = []
        if self.reason_code:
            if self.reason_label != self.reason_code:
                lines.append(
                    _(
                        "Reason: %(label)s (%(code)s)",
                        label=self.reason_label,
                        code=self.reason_code,
                    )
                )
            else:
                lines.append(_("Reason: %(label)s", label=self.reason_code))
        if self.reason and self.reason != self.reason_label:
            lines.append(self.reason)
        action = self.action or cdar.ACTION_LABELS.get(self.action_code or "", self.action_code)
        if action:
            lines.append(_("Requested action: %(action)s", action=action))
        return lines

    def action_open_move(self):
        self.ensure_one()
        return self.move_id._get_records_action() if self.move_id else False

    def _billing_pa_enqueue_waiting(self):
        """Queue the statuses we emitted that wait for the platform (billing.pa.flow), each
        once. A status waits while its company has no running platform (none, archived or
        stopped); it is queued when the company gets one or its platform resumes, and by the
        send cron. Returns the statuses queued."""
        waiting = self.filtered(lambda s: s.direction == "out" and s.send_state == "waiting")
        if not waiting or "billing.pa.flow" not in self.env:
            return self.browse()
        flows = self.env["billing.pa.flow"].sudo()
        running = (
            self.env["billing.pa.platform"]
            .sudo()
            .search([("company_id", "in", waiting.company_id.ids), ("state", "=", "ok")])
            .company_id
        )
        queued = self.browse()
        for status in waiting:
            if not status.attachment_id or not status.move_id:
                continue
            if status.company_id not in running:
                continue
            if not status._billing_pa_attachment_is_own():
                # never queue a file the addon did not make for this status: its flow is
                # recorded in error, without the file
                flows._billing_pa_enqueue(
                    status.move_id, "lifecycle", status.attachment_id.sudo().name, None, "CDAR"
                )._billing_pa_refuse_attachment()
                queued |= status
                continue
            flows._billing_pa_enqueue(
                status.move_id,
                "lifecycle",
                status.attachment_id.name,
                status.attachment_id.raw,
                "CDAR",
            )
            queued |= status
        queued.sudo().send_state = "queued"
        return queued

    def _billing_pa_attachment_is_own(self):
        """Whether the status's CDAR is the file the addon made for it: attached to its
        invoice (or to the status itself when it has no invoice)."""
        self.ensure_one()
        attachment = self.attachment_id.sudo()
        if self.move_id:
            return attachment.res_model == "account.move" and attachment.res_id == self.move_id.id
        return attachment.res_model == self._name and attachment.res_id == self.id

    @api.model
    def _billing_pa_enqueue_all_waiting(self, limit=1000, companies=None):
        """Queue the waiting statuses of the companies with a running platform (of
        ``companies`` when given), at most ``limit``. Safe under two workers and to rerun:
        the rows are locked (``FOR UPDATE SKIP LOCKED``: those another worker holds are left
        to it), then read again under the lock, and only those still waiting are queued. A
        status another worker queued and committed since this transaction's snapshot cannot
        be locked (REPEATABLE READ: SerializationFailure): it is left out, not queued twice,
        and the transaction goes on (the statuses are then locked one by one)."""
        if "billing.pa.flow" not in self.env:
            return self.browse()
        self.env.flush_all()
        ids = self._billing_pa_lock_waiting(limit, companies)
        if ids is None:
            # one of them changed since our snapshot: lock what can still be locked, one by
            # one (statuses handled by another worker meanwhile are skipped)
            candidates = self.env.execute_query(self._billing_pa_waiting_query(limit, companies))
            ids = []
            for (status_id,) in candidates:
                locked = self._billing_pa_lock_waiting(1, companies, status_id=status_id)
                ids.extend(locked or [])
        statuses = self.sudo().browse(ids)
        # read again under the lock: what the cache held may predate another worker's commit
        statuses.invalidate_recordset(["send_state"])
        statuses = statuses.filtered(lambda s: s.send_state == "waiting")
        return statuses._billing_pa_enqueue_waiting()

    @api.model
    def _billing_pa_waiting_query(self, limit, companies=None, status_id=None, lock=False):
        return SQL(
            """
            SELECT s.id FROM billing_pa_status s
             WHERE s.direction = 'out' AND s.send_state = 'waiting'
               AND s.move_id IS NOT NULL AND s.attachment_id IS NOT NULL
               AND EXISTS (SELECT 1 FROM billing_pa_platform p
                            WHERE p.company_id = s.company_id
                              AND p.active AND p.state = 'ok')
               %s
               %s
             ORDER BY s.id
             LIMIT %s
             %s
            """,
            SQL("AND s.company_id IN %s", tuple(companies.ids)) if companies else SQL(),
            SQL("AND s.id = %s", status_id) if status_id else SQL(),
            limit,
            SQL("FOR UPDATE OF s SKIP LOCKED") if lock else SQL(),
        )

    @api.model
    def _billing_pa_lock_waiting(self, limit, companies=None, status_id=None):
        """Ids of the waiting statuses locked for this transaction (those locked by another
        worker skipped), or None when one of them was changed by a transaction committed
        since our snapshot (nothing locked then)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    self._billing_pa_waiting_query(limit, companies, status_id, lock=True),
                    log_exceptions=False,
                )
                return [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            return None

    @api.model
    def _billing_pa_key(self, status_data, xml_sha):
        """Identity of a status within its company: message id (or file hash), invoice, code."""
        return "|".join(
            [
                status_data.get("document_id") or xml_sha,
                status_data.get("invoice_number") or "",
                status_data.get("code") or "",
            ]
        )[:500]
