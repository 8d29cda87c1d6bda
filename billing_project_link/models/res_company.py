# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    billing_retention_account_id = fields.Many2one(
        "account.account",
        string="Retention Receivable Account",
        check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
        help="Receivable account of the retentions (retenue de garantie) held on situation "
        "invoices. Empty: the French chart's 4117 account.",
    )
    billing_backlog_alert_days = fields.Integer(
        string="Unbilled Alert After (days)",
        default=0,
        help="A delivery done, a milestone reached or a situation due that is still not "
        "invoiced after this many days gets an activity for its billing responsible, once "
        "(the daily scheduled action). 0: no alert.",
    )
    billing_backlog_user_id = fields.Many2one(
        "res.users",
        string="Unbilled Backlog Responsible",
        domain="[('share', '=', False)]",
        help="Billing user who receives the activities of the unbilled backlog. Empty: the "
        "salesperson of the order, else a billing user of the company.",
    )

    def _billing_retention_account(self):
        """The account booking retentions: the company setting, else 4117 of the chart."""
        self.ensure_one()
        account = self.billing_retention_account_id
        if not account:
            # account codes depend on the company: look the code up in this company
            accounts = self.env["account.account"].with_company(self)
            account = accounts.search(
                [
                    *accounts._check_company_domain(self),
                    ("code", "=like", "4117%"),
                    ("account_type", "=", "asset_receivable"),
                ],
                limit=1,
            )
        if not account:
            raise UserError(
                _(
                    "Company %(company)s has no retention receivable account: set one in "
                    "the field Retention Receivable Account of the company.",
                    company=self.display_name,
                )
            )
        return account
