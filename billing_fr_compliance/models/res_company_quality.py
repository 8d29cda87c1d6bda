# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing quality and credit-note controls, issue 22: its own file, so that parallel work on
# the base files merges)
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    billing_refusal_retention_months = fields.Integer(
        string="Keep Gate Refusals (months)",
        default=24,
        help="Refusals of the posting gate older than this are deleted by a scheduled action "
        "(0: kept forever). The billing quality report counts them.",
    )
    billing_credit_approval_amount = fields.Monetary(
        string="Credit Note Approval Above",
        currency_field="currency_id",
        help="A credit note whose total exceeds this amount waits for a billing manager's "
        "approval before it is posted (0: off).",
    )
    billing_credit_approval_share = fields.Float(
        string="Credit Note Approval Above (% of the Invoice)",
        digits=(5, 2),
        help="A credit note worth more than this share of the invoice it corrects waits for a "
        "billing manager's approval before it is posted (0: off).",
    )

    @api.constrains(
        "billing_refusal_retention_months",
        "billing_credit_approval_amount",
        "billing_credit_approval_share",
    )
    def _check_billing_quality_settings(self):
        for company in self:
            for fname in (
                "billing_refusal_retention_months",
                "billing_credit_approval_amount",
                "billing_credit_approval_share",
            ):
                if company[fname] < 0:
                    raise ValidationError(
                        _(
                            "%(company)s: %(field)s cannot be negative.",
                            company=company.name,
                            field=self._fields[fname].get_description(self.env)["string"],
                        )
                    )
