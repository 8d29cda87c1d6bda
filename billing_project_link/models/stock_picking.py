# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import date

import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date, mute_logger

from ..tools import delivery as rules

_logger = logging.getLogger(__name__)

INVOICE_STATUS = [
    ("to_invoice", "To Invoice"),
    ("invoiced", "Invoiced"),
    ("nothing", "Nothing to Invoice"),
]


class StockPicking(models.Model):
    _inherit = "stock.picking"
    _delivery_invoice_chunk_size = 100  # invoices created per create() call in a batch

    delivery_invoice_id = fields.Many2one(
        "account.move",
        copy=False,
        check_company=True,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="Customer invoice (or credit note, for a return) that bills this delivery. "
        "Cleared when that invoice is cancelled or reversed, so the delivery can be invoiced "
        "again.",
    )
    delivery_invoice_status = fields.Selection(
        INVOICE_STATUS,
        string="Invoicing Status",
        compute="_compute_delivery_invoice_status",
        store=True,
        index=True,
    )
    delivery_invoice_line_ids = fields.One2many(
        "account.move.line", "delivery_picking_id", string="Delivery Invoice Lines", readonly=True
    )
    delivery_invoice_count = fields.Integer(compute="_compute_delivery_invoice_count")

    @api.depends(
        "state",
        "sale_id",
        "delivery_invoice_id",
        "move_ids.quantity",
        "move_ids.sale_line_id.qty_to_invoice",
        "sale_id.delivery_invoice_extra_lines",
    )
    def _compute_delivery_invoice_status(self):
        # Recomputed whenever a move or its order line changes (reservations, validations,
        # invoices): the pickings not done, not sold or already invoiced are decided on the
        # picking's own columns; only the done customer deliveries read their moves and what
        # their own order lines have left to invoice (not every line of the order).
        for picking in self:
            has_quantities = False
            if not picking.delivery_invoice_id and picking._delivery_is_invoiceable():
                remaining = {line: line.qty_to_invoice for line in picking.move_ids.sale_line_id}
                has_quantities = bool(picking._delivery_own_quantities(remaining))
            picking.delivery_invoice_status = rules.invoice_status(
                bool(picking.delivery_invoice_id), has_quantities
            )

    def _compute_delivery_invoice_count(self):
        for picking in self:
            picking.delivery_invoice_count = len(picking.delivery_invoice_line_ids.move_id)

    # ------------------------------------------------------------------------------------------
    # CRUD / stock hooks
    # ------------------------------------------------------------------------------------------

    def _action_done(self):
        # EXTENDS stock: customers invoiced "at once" get the invoice of each delivery (or the
        # credit note of each return) when it is validated. Billing never blocks the
        # warehouse: an invoice that cannot be made leaves the delivery done and "To Invoice".
        res = super()._action_done()
        self._delivery_invoice_at_once()
        return res

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_invoice_delivery(self):
        """Button "Invoice this delivery": one invoice with exactly this delivery's quantities."""
        self.ensure_one()
        # same right as the sale order's "Create invoice" (billing users and salespeople)
        self.env["account.move"].check_access("create")
        invoices = self._delivery_invoice_create(grouping="picking")
        return self._delivery_action_view_invoices(invoices)

    def action_view_delivery_invoices(self):
        self.ensure_one()
        return self._delivery_action_view_invoices(self.delivery_invoice_line_ids.move_id)

    def _delivery_action_view_invoices(self, invoices):
        action = self.env["ir.actions.actions"]._for_xml_id("account.action_move_out_invoice_type")
        if len(invoices) == 1:
            action.update(
                views=[(self.env.ref("account.view_move_form").id, "form")],
                res_id=invoices.id,
            )
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------------------------------
    # Business methods: what a delivery bills
    # ------------------------------------------------------------------------------------------

    def _delivery_is_return(self):
        self.ensure_one()
        return self.picking_type_code == "incoming" and bool(self.return_id)

    def _delivery_is_invoiceable(self):
        """A done customer delivery (or a return of one) linked to a sale order."""
        self.ensure_one()
        return (
            self.state == "done"
            and bool(self.sale_id)
            and (self.picking_type_code == "outgoing" or self._delivery_is_return())
        )

    def _delivery_moved_quantities(self):
        """{sale line: quantity this picking moved to (or back from) the customer}, in the
        unit of the sale line."""
        self.ensure_one()
        is_return = self._delivery_is_return()
        quantities = {}
        for move in self.move_ids:
            line = move.sale_line_id
            if move.state != "done" or not line or move.scrapped:
                continue
            if is_return:
                if not (move.to_refund and move.location_id._is_outgoing()):
                    continue
            elif not move.location_dest_id._is_outgoing() or (
                move.origin_returned_move_id and not move.to_refund
            ):
                continue
            qty = move.product_uom._compute_quantity(
                move.quantity, line.product_uom, rounding_method="HALF-UP"
            )
            quantities[line] = quantities.get(line, 0.0) + qty
        return quantities

    def _delivery_remaining_quantities(self):
        """{sale line: quantity still to invoice} for the order lines of these pickings."""
        lines = self.sale_id.order_line
        return {line: line.qty_to_invoice for line in lines}

    def _delivery_own_quantities(self, remaining):
        """{sale line: quantity} this delivery bills (credits, for a return), taken from
        ``remaining`` (decremented). Products invoiced on delivered quantities bill what was
        delivered; products invoiced on ordered quantities follow the order's rule."""
        self.ensure_one()
        moved = self._delivery_moved_quantities()
        if self._delivery_is_return():
            delivered = {
                line: qty
                for line, qty in moved.items()
                if line.product_id.invoice_policy == "delivery"
            }
            return rules.split_quantities(delivered, remaining, sign=-1)
        delivered = {}
        for line, qty in moved.items():
            if line.product_id.invoice_policy == "delivery":
                delivered[line] = qty
            elif (
                self.sale_id.delivery_invoice_extra_lines or "first_delivery"
            ) == "first_delivery":
                # invoiced on ordered quantities: everything ordered, on the first invoice
                delivered[line] = line.product_uom_qty
        return rules.split_quantities(delivered, remaining)

    def _delivery_extra_quantities(self, remaining):
        """Order lines without delivery (services such as shipping) billed on the first
        delivery's invoice, when the order says so."""
        self.ensure_one()
        order = self.sale_id
        if (order.delivery_invoice_extra_lines or "first_delivery") != "first_delivery" or (
            self._delivery_is_return()
        ):
            return {}
        extras = {}
        for line in order.order_line:
            if line.display_type or line.is_downpayment or line.move_ids:
                continue
            if line.product_id.type == "consu" and line.product_id.invoice_policy == "delivery":
                continue  # a good still to be delivered: its own delivery will bill it
            extras[line] = line.product_uom_qty
        return rules.split_quantities(extras, remaining)

    # ------------------------------------------------------------------------------------------
    # Business methods: grouping keys (small, overridable)
    # ------------------------------------------------------------------------------------------

    def _delivery_invoice_base_key(self):
        """What every delivery of one invoice must share."""
        self.ensure_one()
        order = self.sale_id
        return (
            self.company_id.id,
            order.partner_invoice_id.id,
            order.currency_id.id,
            order.fiscal_position_id.id,
            order.payment_term_id.id,
            order.journal_id.id,
            "out_refund" if self._delivery_is_return() else "out_invoice",
        )

    def _delivery_invoice_key(self, grouping):
        self.ensure_one()
        return rules.grouping_key(
            grouping,
            self._delivery_invoice_base_key(),
            self.id,
            self.sale_id.id,
            fields.Date.context_today(self, self.date_done),
        )

    # ------------------------------------------------------------------------------------------
    # Business methods: locking and invoicing
    # ------------------------------------------------------------------------------------------

    def _delivery_invoice_lock(self, skip_locked=False):
        """Lock the picking rows for this transaction; return the pickings locked.

        Interactive use (``skip_locked`` False) fails at once with a clear error when another
        user or worker is invoicing one of them; batches skip the rows locked elsewhere.
        """
        if not self:
            return self
        self.flush_recordset(["delivery_invoice_id"])
        mode = "SKIP LOCKED" if skip_locked else "NOWAIT"
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    "SELECT id FROM stock_picking WHERE id IN %s ORDER BY id FOR UPDATE " + mode,
                    [tuple(self.ids)],
                )
                locked_ids = [row[0] for row in self.env.cr.fetchall()]
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure) as err:
            raise UserError(
                _(
                    "Deliveries %(names)s are being invoiced by another user right now. "
                    "Try again in a moment.",
                    names=", ".join(self.mapped("name")),
                )
            ) from err
        locked = self.browse(locked_ids)
        # what another transaction committed before we got the lock
        locked.invalidate_recordset(["delivery_invoice_id", "delivery_invoice_status"])
        return locked

    def _delivery_invoice_create(self, grouping="picking", skip_locked=False):
        """Invoice these deliveries (credit the returns), grouped by ``grouping``.

        Interactive (``skip_locked`` False): any delivery that cannot be invoiced is an error
        and nothing is written. Batch (``skip_locked`` True): deliveries locked by another
        worker, already invoiced or with nothing to invoice are skipped, so a rerun is safe.
        Returns the invoices created.
        """
        if grouping not in rules.GROUPINGS:
            raise UserError(_("Unknown grouping %(grouping)s.", grouping=grouping))
        pickings = self._delivery_invoice_lock(skip_locked=skip_locked)
        if not skip_locked:
            self._delivery_check_invoiceable()
        pickings = pickings.filtered(
            lambda p: not p.delivery_invoice_id and p._delivery_is_invoiceable()
        ).sorted(lambda p: (p.date_done, p.id))
        remaining = pickings._delivery_remaining_quantities()
        plans = []
        for picking in pickings:
            own = picking._delivery_own_quantities(remaining)
            if own:
                plans.append((picking, own))
        if not plans:
            if not skip_locked:
                raise UserError(
                    _(
                        "Nothing to invoice on delivery %(names)s: its quantities are already "
                        "invoiced.",
                        names=", ".join(self.mapped("name")),
                    )
                )
            return self.env["account.move"]
        groups = rules.group_by_key(plans, key=lambda plan: plan[0]._delivery_invoice_key(grouping))
        invoices = self.env["account.move"]
        size = self._delivery_invoice_chunk_size
        for start in range(0, len(groups), size):
            # one create per chunk of invoices: set-based, with bounded memory
            chunk = groups[start : start + size]
            vals_list = [self._delivery_prepare_invoice(group, remaining) for group in chunk]
            created = self.env["sale.order"]._create_account_invoices(vals_list, False)
            for invoice, group in zip(created, chunk, strict=True):
                group_pickings = self.browse([plan[0].id for plan in group])
                # account.move.create links them already; make sure, whatever overrides do
                group_pickings.filtered(lambda p, inv=invoice: p.delivery_invoice_id != inv).write(
                    {"delivery_invoice_id": invoice.id}
                )
            invoices |= created
        return invoices

    def _delivery_check_invoiceable(self):
        for picking in self:
            if picking.delivery_invoice_id:
                raise UserError(
                    _(
                        "Delivery %(picking)s is already invoiced by %(invoice)s.",
                        picking=picking.name,
                        invoice=picking.delivery_invoice_id.display_name,
                    )
                )
            if not picking._delivery_is_invoiceable():
                raise UserError(
                    _(
                        "Delivery %(picking)s cannot be invoiced: only done deliveries to "
                        "customers (and their returns) linked to a sale order can.",
                        picking=picking.name,
                    )
                )

    def _delivery_invoice_line_name(self, base_name):
        self.ensure_one()
        return _("%(name)s (delivery note %(picking)s)", name=base_name, picking=self.name)

    def _delivery_prepare_invoice(self, group, remaining):
        """Values of one invoice (or credit note) for ``group``: [(picking, {line: qty})]."""
        first = group[0][0]
        orders = self.env["sale.order"].browse(
            list(dict.fromkeys(plan[0].sale_id.id for plan in group))
        )
        order = first.sale_id.with_company(first.company_id)
        lang = order.partner_invoice_id.lang
        if lang:
            # the labels written on the invoice are in the language of its partner
            order = order.with_context(lang=lang)
            group = [(picking.with_context(lang=lang), own) for picking, own in group]
        vals = order._prepare_invoice()
        pickings = self.browse([plan[0].id for plan in group]).with_env(order.env)
        partners = pickings.partner_id
        vals.update(
            invoice_origin=", ".join(orders.mapped("name")),
            partner_shipping_id=(
                partners.id if len(partners) == 1 else vals["partner_shipping_id"]
            ),
            # the customer's purchase order number(s) only (Factur-X BT-13): the delivery
            # notes are named by the sections and lines, and by delivery_despatch_ref
            # (BT-16) when the invoice bills one delivery note
            ref=", ".join(dict.fromkeys(filter(None, orders.mapped("client_order_ref"))))[:2000],
        )
        if len(set(orders.mapped("reference"))) > 1:
            vals["payment_reference"] = False  # as the order's own grouping does
        is_refund = first._delivery_is_return()
        if is_refund:
            origins = pickings.return_id.delivery_invoice_id
            vals["move_type"] = "out_refund"
            if len(origins) == 1:
                vals["reversed_entry_id"] = origins.id
            vals["ref"] = _(
                "Return %(returns)s of %(deliveries)s, invoice %(invoices)s",
                returns=", ".join(pickings.mapped("name")),
                deliveries=", ".join(pickings.return_id.mapped("name")),
                invoices=", ".join(origins.mapped("name")) or "-",
            )
        sequence = 0
        lines = []
        amounts = {}  # order -> untaxed amount of this invoice, for down payments
        extras_done = set()
        for picking, own in group:
            sequence += 1
            lines.append(Command.create(picking._delivery_prepare_section_line(sequence)))
            quantities = dict(own)
            if picking.sale_id.id not in extras_done:
                quantities.update(picking._delivery_extra_quantities(remaining))
                extras_done.add(picking.sale_id.id)
            for line, qty in quantities.items():
                sequence += 1
                line_vals = line._prepare_invoice_line(
                    sequence=sequence, quantity=qty, delivery_picking_id=picking.id
                )
                line_vals["name"] = picking._delivery_invoice_line_name(line_vals["name"])
                lines.append(Command.create(line_vals))
                amounts[line.order_id] = (
                    amounts.get(line.order_id, 0.0) + qty * line.price_reduce_taxexcl
                )
        if not is_refund:
            for dp_order, amount in amounts.items():
                dp_lines = dp_order._delivery_downpayment_lines(amount, remaining)
                if not dp_lines:
                    continue
                sequence += 1
                lines.append(
                    Command.create(dp_order._prepare_down_payment_section_line(sequence=sequence))
                )
                for dp_line, fraction in dp_lines:
                    sequence += 1
                    lines.append(
                        Command.create(
                            dp_line._prepare_invoice_line(sequence=sequence, quantity=-fraction)
                        )
                    )
        vals["invoice_line_ids"] = lines
        return vals

    def _delivery_prepare_section_line(self, sequence):
        """Section naming the delivery note, in the language of ``self.env`` (the invoice
        partner's) with that language's date format."""
        self.ensure_one()
        done = fields.Date.context_today(self, self.date_done)
        return {
            "display_type": "line_section",
            "sequence": sequence,
            "name": _(
                "Delivery note %(picking)s of %(date)s",
                picking=self.name,
                date=format_date(self.env, done, lang_code=self.env.lang),
            ),
            "delivery_picking_id": self.id,
        }

    # ------------------------------------------------------------------------------------------
    # "At once" invoicing on validation
    # ------------------------------------------------------------------------------------------

    def _delivery_invoice_at_once(self):
        """Invoice the validated deliveries of customers invoiced "at once".

        Called by ``_action_done``, i.e. by whoever validates the delivery: often a warehouse
        user without sales or billing rights. The delivery is validated whatever happens here;
        a delivery whose invoice cannot be made stays "To Invoice" with the reason on its
        chatter and an activity for the salesperson.
        """
        # Who is invoiced "at once" is decided in one query for all the pickings, without
        # reading the orders and customers through the ORM in the middle of the validation
        # (the customer's setting lives on the order's partner, which a warehouse user may not
        # read); the invoicing status is read only for those customers. Deliveries of other
        # customers cost one query here, whatever their number.
        at_once = self._delivery_at_once_ids()
        if not at_once:
            return
        # sudo() only to decide; nothing is written with these rights
        decided = self.sudo().filtered(
            lambda p: p.id in at_once and p.delivery_invoice_status == "to_invoice"
        )
        if not decided:
            return
        pickings = self.browse(decided.ids)  # back to the rights of the validating user
        # The invoice is made with the validating user's own rights, the way sale makes the
        # invoice of an order: who may invoice the order (a salesperson on its order, a billing
        # user) gets it at once; ``sale.order._create_account_invoices`` then creates the move
        # as Odoo does for the order's own "Create Invoice" button. A warehouse user who may
        # not invoice the order does not become able to through a delivery: the invoice is
        # left to the salesperson (activity) and to the batch or monthly run. No sudo() here:
        # that would let anyone who can validate a delivery create invoices of any customer.
        allowed = pickings._delivery_may_invoice()
        for picking in pickings - allowed:
            picking._delivery_invoice_report_failure(
                _(
                    "%(user)s, who validated it, may not invoice its sales order %(order)s.",
                    user=self.env.user.name,
                    order=decided.browse(picking.id).sale_id.name,
                )
            )
        if not allowed:
            return
        # all in one go (set-based); when that fails, one by one so that each failure is
        # reported on its own delivery and the others are still invoiced
        if len(allowed) == 1 or allowed._delivery_invoice_try() is not None:
            for picking in allowed:
                reason = picking._delivery_invoice_try()
                if reason is not None:
                    picking._delivery_invoice_report_failure(reason)

    def _delivery_at_once_ids(self):
        """Ids of these pickings whose sales order's customer (its commercial partner) is
        invoiced "at once", in one query."""
        if not self.ids:
            return set()
        self.env["stock.picking"].flush_model(["sale_id"])
        self.env["sale.order"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id", "delivery_invoice_frequency"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT picking.id
                  FROM stock_picking picking
                  JOIN sale_order sale ON sale.id = picking.sale_id
                  JOIN res_partner partner ON partner.id = sale.partner_id
                  JOIN res_partner customer ON customer.id = partner.commercial_partner_id
                 WHERE picking.id IN %s
                   AND customer.delivery_invoice_frequency = 'at_once'
                """,
                tuple(self.ids),
            )
        )
        return {picking_id for (picking_id,) in rows}

    def _delivery_may_invoice(self):
        """The pickings whose sales order the current user may invoice as sale lets them:
        a billing user, or a salesperson (the order's "Create Invoice" wizard), who may also
        change the order. Warehouse users may write orders through sale_stock, but not
        invoice them."""
        orders = self.env["sale.order"]
        may_invoice = self.env["account.move"].has_access("create") or self.env[
            "sale.advance.payment.inv"
        ].has_access("create")
        if not (may_invoice and orders.has_access("write")):
            return self.browse()
        order_ids = self.sudo().sale_id.ids
        visible = set(orders.browse(order_ids)._filtered_access("write").ids)
        return self.filtered(lambda p: p.sudo().sale_id.id in visible)

    def _delivery_invoice_try(self):
        """Invoice these deliveries in a savepoint; return None when done, else the reason
        (everything this attempt wrote is rolled back)."""
        try:
            # the SQL error of a database constraint is reported on the chatter instead
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self._delivery_invoice_create(grouping="picking", skip_locked=True)
        except (UserError, ValidationError, psycopg2.IntegrityError) as err:
            reason = err.args[0] if isinstance(err, UserError) else str(err).strip()
            _logger.info("At once invoice of %s not made: %s", self.mapped("name"), reason)
            return reason
        return None

    def _delivery_invoice_report_failure(self, reason):
        """Post why the invoice of this validated delivery was not made and give the work to
        its salesperson (else a billing user)."""
        self.ensure_one()
        body = _(
            "The invoice of this delivery could not be created when it was validated: "
            "%(reason)s The delivery stays To Invoice: invoice it from this form or with the "
            "delivery list's batch invoicing.",
            reason=reason,
        )
        self._billing_message_post(body=body)
        self._billing_activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self._delivery_invoice_responsible().id,
            summary=_("Invoice delivery %(picking)s", picking=self.name),
            note=body,
        )

    def _delivery_invoice_responsible(self):
        """Who invoices this delivery by hand: the order's salesperson when active in the
        company, else a billing user of the company, else the current user."""
        self.ensure_one()
        company = self.company_id
        salesperson = self.sudo().sale_id.user_id
        if salesperson.active and company in salesperson.company_ids:
            return salesperson
        billing = (
            self.env.ref("account.group_account_invoice")
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and company in u.company_ids)
        )
        return billing.sorted("id")[:1] or self.env.user

    # ------------------------------------------------------------------------------------------
    # Scheduled run
    # ------------------------------------------------------------------------------------------

    @api.model
    def _delivery_monthly_domain(self, before):
        return [
            ("delivery_invoice_status", "=", "to_invoice"),
            ("sale_id.partner_id.commercial_partner_id.delivery_invoice_frequency", "=", "monthly"),
            ("date_done", "<", fields.Datetime.to_string(before)),
        ]

    @api.model
    def _cron_invoice_monthly_deliveries(self, chunk_size=100):
        """Month-end run: one invoice per customer and month for the deliveries done before
        this month by customers invoiced monthly.

        Customers are processed by chunks; pickings locked by another worker are skipped and
        invoiced pickings are never picked again, so the run is safe to repeat. With OCA
        queue_job installed (unless the system parameter
        ``billing_project_link.use_queue_job`` is ``0``), each chunk becomes a queue job that
        the job runner spreads over the workers and nodes; the cron only enqueues them.
        """
        before = date.today().replace(day=1)
        # the cron user may not be allowed in every company: the run serves all of them
        pickings = self.sudo().search(self._delivery_monthly_domain(before), order="partner_id, id")
        invoices = self.env["account.move"]
        use_jobs = self._delivery_use_jobs()
        for company, company_pickings in pickings.grouped("company_id").items():
            customers = rules.group_by_key(
                company_pickings,
                key=lambda p: p.sale_id.partner_invoice_id.commercial_partner_id.id,
            )
            for start in range(0, len(customers), chunk_size):
                groups = customers[start : start + chunk_size]
                chunk = company_pickings.browse([p.id for group in groups for p in group])
                if use_jobs:
                    chunk._delivery_enqueue(company)
                    continue
                invoices |= chunk.with_company(company)._delivery_invoice_create(
                    grouping="period", skip_locked=True
                )
        return invoices

    @api.model
    def _delivery_use_jobs(self):
        """Split the monthly run into queue jobs: OCA queue_job is installed and not switched
        off."""
        param = (
            self.env["ir.config_parameter"].sudo().get_param("billing_project_link.use_queue_job")
        )
        return "queue.job" in self.env and hasattr(self, "with_delay") and param != "0"

    def _delivery_enqueue(self, company):
        """One queue job invoicing these deliveries by customer and period; the same
        deliveries are not enqueued twice while their job waits."""
        # queue_job is optional: imported only when installed
        from odoo.addons.queue_job.job import identity_exact

        self.with_company(company).with_delay(
            description=_(
                "Invoice %(count)s deliveries of %(company)s",
                count=len(self),
                company=company.name,
            ),
            identity_key=identity_exact,
        )._delivery_invoice_job()

    def _delivery_invoice_job(self):
        """Queue job: invoice these deliveries by customer and period; those invoiced or
        locked meanwhile are left out, so a retried job creates nothing twice."""
        invoices = self._delivery_invoice_create(grouping="period", skip_locked=True)
        return _("%(count)s invoices created", count=len(invoices))
