# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Invoicing from delivery notes: locking the deliveries and creating their invoices."""

import psycopg2

from odoo import Command, _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, mute_logger

from ..tools import delivery as rules


class StockPicking(models.Model):
    _inherit = "stock.picking"
    _delivery_invoice_chunk_size = 100  # invoices created per create() call in a batch

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
            # billing_fr_compliance, when installed, asks every French credit note for its
            # category: a credit note of returned goods is a return
            returned = self.env.ref(
                "billing_fr_compliance.billing_fr_credit_reason_return", raise_if_not_found=False
            )
            if returned and "fr_credit_reason_id" in self.env["account.move"]._fields:
                vals["fr_credit_reason_id"] = returned.id
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
