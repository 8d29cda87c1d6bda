# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (e-reporting, issue 20: its own file, so that parallel work on the base files merges)
from odoo import fields, models

from ..tools import frr


class ResCompany(models.Model):
    _inherit = "res.company"

    # e-reporting (flux 10): the VAT regime sets the periods and deadlines (tools/frr.py)
    billing_ereport_regime = fields.Selection(
        selection=[
            ("monthly", "Réel normal, monthly VAT return"),
            ("quarterly", "Réel normal, quarterly VAT return"),
            ("simplified", "Régime simplifié"),
            ("franchise", "Franchise en base"),
        ],
        string="VAT Regime for E-reporting",
        help="Sets the e-reporting periods and deadlines: by décade (réel normal mensuel), "
        "monthly (trimestriel, simplifié) or two months (franchise).",
    )
    billing_ereport_start_date = fields.Date(
        string="E-reporting Since",
        default=lambda self: fields.Date.to_date("2026-09-01"),
        help="First day e-reported: no report is prepared for earlier periods.",
    )
    billing_ereport_days_before = fields.Integer(
        string="Send Days Before Deadline",
        default=2,
        help="A ready report is sent this many days before its deadline, when the platform "
        "sends e-reports automatically.",
    )

    billing_ereport_check_days = fields.Integer(
        string="Check Sent Reports For",
        default=90,
        help="Days after a report's deadline during which the daily check looks for late "
        "invoices and changed payments of its period, to prepare its rectificative report. "
        "90 days cover the VAT return that uses the period's data (filed the month after for "
        "the monthly and quarterly regimes); an older period is corrected with the button "
        "Correct (RE) of its report.",
    )

    def _billing_ereport_periods(self, kind, first, last):
        """The ``(start, end, deadline)`` periods of ``kind`` meeting ``first``..``last``."""
        self.ensure_one()
        return frr.periods(first, last, self.billing_ereport_regime, kind)
