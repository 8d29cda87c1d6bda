# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Invoicing from delivery notes: customers invoiced "at once" get their invoice when the
delivery is validated."""

import logging

import psycopg2

from odoo import _, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    _inherit = "stock.picking"

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
        # customers cost one query here, whatever their number, and none while no customer
        # is invoiced "at once" (the default: manually).
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
        invoiced "at once", in one query (none while no customer is invoiced "at once")."""
        if not self.ids or not self.env["res.partner"]._delivery_any_at_once():
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
