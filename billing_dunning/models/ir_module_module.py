# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

DEMO_PENDING = "billing_dunning.demo_invoices_pending"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _register_hook(self):
        # account: the chart of accounts of a new database is loaded by super(), after every
        # module's data; the demo invoices of this module wait for it.
        result = super()._register_hook()
        pending = self.env["ir.config_parameter"].sudo().get_param(DEMO_PENDING)
        if pending:
            self.env["billing.dunning.policy"]._demo_create_invoices(int(pending))
        return result
