# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The daily run moved from billing.dunning.reminder to billing.dunning.run; its cron is
    noupdate data, so it is pointed at the new model here."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("billing_dunning.ir_cron_billing_dunning_run", raise_if_not_found=False)
    if cron:
        cron.model_id = env["ir.model"]._get("billing.dunning.run")
