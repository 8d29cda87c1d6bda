# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The same file in billing_project_link and billing_dunning (each installs alone):
# tests/test_shared_copies.py keeps the copies identical.
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _compute_tour_enabled(self):
        # EXTENDS web_tour: a new billing user is shown the onboarding tours once, as Odoo
        # shows them to a new administrator (not in a database with demo data, whose users
        # are not new clerks); users that exist when the addon is installed are left as they
        # are (the field is stored and computed at creation only)
        super()._compute_tour_enabled()
        if self.env["ir.module.module"].sudo().search_count([("demo", "=", True)]):
            return
        for user in self.filtered(lambda u: not u.tour_enabled and not u.share):
            if user.has_group("account.group_account_invoice"):
                user.tour_enabled = True
