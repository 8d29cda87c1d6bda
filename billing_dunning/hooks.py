# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import SQL

from .models.account_move import OPEN_INVOICE_INDEX


def uninstall_hook(env):
    """The partial index on account_move made by the addon (``AccountMove.init``) goes with
    it: its columns are Odoo's, so Odoo would leave it behind."""
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(OPEN_INVOICE_INDEX)))
