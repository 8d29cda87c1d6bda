# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import frozendict


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # delivery invoicing
    delivery_picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery Note",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        check_company=True,
    )

    # progress invoicing
    billing_situation_line_id = fields.Many2one(
        "billing.situation.line",
        string="Situation Line",
        readonly=True,
        copy=True,
        index="btree_not_null",
        check_company=True,
    )
    billing_is_retention = fields.Boolean(
        string="Retention",
        readonly=True,
        help="Receivable line of a retention (retenue de garantie), due on its release date: "
        "not to be chased before that date.",
    )
    billing_is_retention_release = fields.Boolean(string="Retention Release", readonly=True)

    # ------------------------------------------------------------------ delivery invoicing

    def _copy_data_extend_business_fields(self, values):
        # EXTENDS account: a reversal keeps the delivery of each line, so that posting it
        # frees the delivery again.
        res = super()._copy_data_extend_business_fields(values)
        values["delivery_picking_id"] = self.delivery_picking_id.id
        return res

    # ------------------------------------------------------------------ progress invoicing

    def _compute_term_key(self):
        # Override of account: the retention term is keyed apart from the other terms.
        res = super()._compute_term_key()
        for line in self.filtered(
            lambda line: line.display_type == "payment_term" and line.billing_is_retention
        ):
            line.term_key = frozendict({**line.term_key, "billing_is_retention": True})
        return res

    def _compute_account_id(self):
        # Override of account: the retention line keeps the retention account, the other
        # receivable lines never take it from it.
        res = super()._compute_account_id()
        for line in self.filtered(lambda line: line.display_type == "payment_term"):
            move = line.move_id
            if not move.billing_retention_amount:
                continue
            account = move.company_id._billing_retention_account()
            if line.billing_is_retention:
                line.account_id = account
            elif line.account_id == account:
                partner = move.commercial_partner_id.with_company(move.company_id)
                line.account_id = partner.property_account_receivable_id
        return res
