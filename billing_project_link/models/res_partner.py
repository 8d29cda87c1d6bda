# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools


class ResPartner(models.Model):
    _inherit = "res.partner"

    delivery_invoice_frequency = fields.Selection(
        [
            ("manual", "Manually"),
            ("at_once", "At once"),
            ("monthly", "Monthly"),
        ],
        string="Invoice Deliveries",
        default="manual",
        help="Manually: each delivery is invoiced from its form or from the delivery list.\n"
        "At once: the invoice of a delivery (the credit note of a return) is created when it "
        "is validated.\n"
        "Monthly: a scheduled run at the start of each month invoices, per customer, every "
        "delivery of the past months not yet invoiced.",
    )
    delivery_downpayment_rule = fields.Selection(
        [
            ("first", "On the first invoices"),
            ("proportional", "In proportion to each delivery"),
        ],
        string="Down Payments on Delivery Invoices",
        default="first",
        help="How down payments are deducted when deliveries are invoiced one by one: as much "
        "as possible on the first invoices, or in proportion to each delivery's share of the "
        "order.",
    )

    # Not required in the database (required in the form only): a NOT NULL column on
    # res_partner would refuse the partners that modules loaded before this one create
    # during an upgrade or their tests (their registry does not know these fields); empty
    # reads as the default ("manual", "first").

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if any(p.delivery_invoice_frequency == "at_once" for p in partners):
            partners._delivery_at_once_changed()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if vals.get("delivery_invoice_frequency") == "at_once":
            self._delivery_at_once_changed()
        return res

    def _delivery_at_once_changed(self):
        # a customer is now invoiced "at once": validations look at their customers again
        # (the registry's caches are cleared here and in the other workers, as Odoo does for
        # a system parameter); only the first such customer clears them
        if not self._delivery_any_at_once():
            self.env.registry.clear_cache()

    @api.model
    @tools.ormcache()
    def _delivery_any_at_once(self):
        """Whether any customer (archived ones included) is invoiced "at once". While none
        is, validating a delivery asks the database nothing more than Odoo does. Cached;
        cleared when a first customer is set to "at once" (one turned back to another
        frequency leaves it True: the validation then asks, and finds nobody)."""
        self.env["res.partner"].flush_model(["delivery_invoice_frequency"])
        self.env.cr.execute(
            "SELECT 1 FROM res_partner WHERE delivery_invoice_frequency = 'at_once' LIMIT 1"
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "delivery_invoice_frequency",
            "delivery_downpayment_rule",
        ]
