# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .billing_dunning_rate import FR_RATE_MODEL


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    def _load_menus_blacklist(self):
        # base: with billing_fr_compliance installed, the late interest rates are read from
        # its French Official Rates: this addon's Late Interest Rates menu is not shown twice
        blacklist = super()._load_menus_blacklist()
        if FR_RATE_MODEL in self.env:
            menu = self.env.ref(
                "billing_dunning.billing_dunning_rate_menu", raise_if_not_found=False
            )
            if menu:
                blacklist = [*blacklist, menu.id]
        return blacklist
