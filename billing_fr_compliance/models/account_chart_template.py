# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models

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
    def _billing_fr_demo_company(self):
        """Demo data: the company that carries the French demo identity. l10n_fr's demo
        company (``base.demo_company_fr``), which l10n_fr_account's demo gives the French
        chart of accounts, so that installing the addons from Apps in a demo database puts
        the demo invoices in a French company whatever the main company is."""
        return self.env.ref("base.demo_company_fr", raise_if_not_found=False) or self.env.ref(
            "base.main_company"
        )

    @api.model
    def _billing_fr_demo_setup(self):
        """Demo data: French installed (the demo customers and company speak it), the demo
        company on the French chart of accounts, and the admin allowed in it."""
        self.env["res.lang"]._billing_demo_install_french()
        company = self._billing_fr_demo_company()
        if not company.chart_template:
            self.try_loading("fr", company, install_demo=False)
        # the admin may switch to it; its current company stays (Odoo's own demo and tests
        # expect the admin in the main company)
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(company.id)]})
        return company
