# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (e-reporting, issue 20: its own file, so that parallel work on the base files merges)
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    # billing_fr_compliance (models/account_move_pa.py): a sale to a private or foreign
    # customer is not sent as an invoice flow when we send its e-reporting ourselves
    # (platform choice), so that the platform does not report it a second time
    def _billing_pa_sendable(self):
        sendable = super()._billing_pa_sendable()
        if not sendable or self._billing_pa_processing_rule() not in ("B2C", "B2BInt"):
            return sendable
        platform = self.env["billing.pa.platform"].sudo()._billing_pa_for_company(self.company_id)
        return not platform or platform.billing_ereport_reporter == "platform"

    def _billing_ereport_section(self):
        """'10.1' (foreign business), '10.3' (private customer), or '' with the reason it is
        not e-reported."""
        self.ensure_one()
        rule = self._billing_pa_processing_rule()
        if rule == "B2BInt":
            return "10.1", ""
        if rule == "B2C":
            return "10.3", ""
        if rule == "OutOfScope":
            return "", "out_of_scope"
        return "", "domestic_b2b"
