# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# The same file in billing_fr_compliance and billing_project_link (each installs alone; both
# reports read the operator): tests/test_shared_copies.py keeps the copies identical.
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

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
