# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class BillingDunningRate(models.Model):
    """ECB main refinancing rate in force from a date (1 January / 1 July); the French
    late-payment rate of a half-year is this rate + 10 points."""

    _name = "billing.dunning.rate"
    _description = "ECB Refinancing Rate"
    _order = "date_from desc"
    _rec_name = "date_from"

    date_from = fields.Date(string="In force from", required=True)
    rate = fields.Float(string="ECB refinancing rate (%)", digits=(16, 4), required=True)

    _sql_constraints = [
        ("date_from_uniq", "unique(date_from)", "There is already a rate for this date."),
    ]

    @api.constrains("rate")
    def _check_rate(self):
        for record in self:
            if not -10 <= record.rate <= 100:
                raise ValidationError(
                    _(
                        "The ECB rate of %(date)s must be a percentage between -10 and 100 "
                        "(field: ECB refinancing rate).",
                        date=record.date_from,
                    )
                )

    @api.model
    def _get_rates(self):
        """All rates as ``[(date_from, percent)]`` for tools.interest."""
        return [(r.date_from, r.rate) for r in self.sudo().search([])]
