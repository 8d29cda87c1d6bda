# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import Form

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import switch_off_fr_gate


class SituationCommon(AccountTestInvoicingCommon):
    """A confirmed order of two construction lots, 20 % VAT, for progress billing."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        switch_off_fr_gate(cls.env)
        cls.env.user.groups_id |= cls.env.ref("sales_team.group_sale_manager")
        cls.tax_20 = cls.company_data["default_tax_sale"]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bâtiments Test SARL", "company_id": False}
        )
        cls.lot_product = cls.env["product.product"].create(
            {
                "name": "Construction lot",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 1.0,
                "taxes_id": [Command.set(cls.tax_20.ids)],
            }
        )

    @classmethod
    def _create_order(cls, amounts=(60000.0, 40000.0), confirm=True, **values):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.lot_product.id,
                            "name": f"Lot {index}",
                            "product_uom_qty": 1.0,
                            "price_unit": amount,
                            "tax_id": [Command.set(cls.tax_20.ids)],
                        }
                    )
                    for index, amount in enumerate(amounts, start=1)
                ],
                **values,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _down_payment(self, order, amount):
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": amount})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids.filtered(lambda move: move.state == "draft")
        invoice.action_post()
        return invoice

    def _situation(self, order, percents=None, overall=None, final=False, date=None):
        """Open the order's new situation, enter the progress, create its invoice."""
        action = order.action_new_situation()
        situation = order.env["billing.situation"].browse(action["res_id"])
        with Form(situation) as form:
            if date:
                form.date = date
            if final:
                form.is_final = True
            if overall is not None:
                form.global_percent = overall
            for index, percent in enumerate(percents or []):
                with form.line_ids.edit(index) as line:
                    line.percent = percent
        if overall is not None:
            situation.action_apply_global_percent()
        situation.action_create_invoice()
        return situation
