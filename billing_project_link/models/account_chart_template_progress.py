# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .billing_situation import DEMO_ORDER


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_demo_data(self, company=False):
        # Override of account: a chart loaded after this module's demo (a new database)
        # finally allows the demo situations to be invoiced.
        res = super()._post_load_demo_data(company)
        order = self.env.ref(DEMO_ORDER, raise_if_not_found=False)
        if order and order.company_id == company:
            self.env["billing.situation"]._billing_demo_situations()
        return res
