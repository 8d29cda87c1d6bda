# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models

_logger = logging.getLogger(__name__)

DEMO_PENDING = "billing_dunning.demo_invoices_pending"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _register_hook(self):
        # account: the chart of accounts of a new database is loaded by super(), after every
        # module's data; the demo invoices of this module wait for it.
        result = super()._register_hook()
        params = self.env["ir.config_parameter"].sudo()
        pending = params.get_param(DEMO_PENDING)
        if pending:
            # demo data never stops the database from loading (as account's demo data)
            try:
                with self.env.cr.savepoint():
                    self.env["billing.dunning.policy"]._demo_create_invoices(int(pending))
            except Exception:
                params.set_param(DEMO_PENDING, False)
                _logger.exception("The dunning demo invoices could not be created.")
        return result
