# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    def _billing_menu_path(self, xmlid):
        """The path of the menu ``xmlid`` as the user reads it ("Facturation > Configuration
        > Paramètres"): its complete name in the user's language, never written by hand (the
        first menu is "Facturation" in Community and "Comptabilité" with the accounting
        app). Empty when the menu does not exist."""
        menu = self.env.ref(xmlid, raise_if_not_found=False)
        if not menu:
            return ""
        names = []
        menu = menu.sudo()
        while menu:
            names.insert(0, menu.name or "")
            menu = menu.parent_id
        return " > ".join(names)
