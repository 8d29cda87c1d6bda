# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_open_dunning_followup(self):
        self.ensure_one()
        followup = self.env["billing.dunning.followup"]._get_or_create(self, self.env.company)
        return {
            "type": "ir.actions.act_window",
            "res_model": "billing.dunning.followup",
            "res_id": followup.id,
            "view_mode": "form",
        }
