# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


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

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "delivery_invoice_frequency",
            "delivery_downpayment_rule",
        ]
