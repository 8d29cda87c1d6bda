# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _billing_demo_install_french(self):
        """Demo data: install French (as Settings > Languages does) so that the French demo
        customers and company get it and their documents print in French. Each billing
        addon ships this for its own demo; the first one that runs installs it."""
        if self._get_code("fr_FR"):
            return
        self._activate_lang("fr_FR")
        installed = self.env["ir.module.module"].search([("state", "=", "installed")])
        installed._update_translations(["fr_FR"])
