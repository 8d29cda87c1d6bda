# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing lead time, issue 22: its own file, so that parallel work on the base files merges)
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # the same field as billing_fr_compliance's (each addon installs alone): who posted
    billing_posted_uid = fields.Many2one(
        "res.users",
        string="Posted By",
        copy=False,
        readonly=True,
        help="The user who posted the document: its operator in the billing quality report.",
    )

    def _post(self, soft=True):
        # account: the user who posts a customer document is its operator
        posted = super()._post(soft=soft)
        operated = posted.filtered(lambda m: m.is_sale_document() and not m.billing_posted_uid)
        if operated:
            operated.write({"billing_posted_uid": self.env.uid})
        return posted
