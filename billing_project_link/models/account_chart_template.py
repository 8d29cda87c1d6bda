# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .billing_situation import DEMO_ORDER


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        # Override of account: in a new database the chart of accounts is loaded after this
        # module's demo data; only then can the demo situations be invoiced.
        res = super()._post_load_data(template_code, company, template_data)
        # read as superuser: whoever loads a chart (an accountant creating a company) may
        # have no right on sale orders, and this is only a check of the demo order
        order = self.env.ref(DEMO_ORDER, raise_if_not_found=False)
        if order and order.sudo().company_id == company and not order.sudo().situation_ids:
            self.env["billing.situation"].with_context(
                chart_template_load=False
            )._billing_demo_situations()
        return res
