# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.account.models.chart_template import template


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    @template("fr", "account.fiscal.position")
    def _get_fr_billing_fr_compliance_fiscal_position(self):
        # l10n_fr_account: the French VAT regime of its fiscal positions
        return {
            "fiscal_position_template_intraeub2b": {"fr_vat_regime": "intra_eu"},
            "fiscal_position_template_import_export": {"fr_vat_regime": "export"},
        }

    @api.model
    def _billing_fr_demo_ensure_chart(self):
        """Demo data: the demo invoices need the French chart of the main company, which
        Odoo otherwise loads only once every module of the run is installed."""
        company = self.env.ref("base.main_company")
        if not company.chart_template and company.country_id.code == "FR":
            self.try_loading("fr", company)
