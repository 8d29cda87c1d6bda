# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError


class BillingFrRate(models.Model):
    """Official French rates kept with the date they take effect.

    The legal interest rate (taux de l'intérêt légal) is published every half-year for
    professional creditors and for private individuals; the ECB main refinancing rate in
    force on 1 January / 1 July sets the default late-payment penalty rate (L441-10 II C.
    com.). The rates are national, not per company, hence no company_id.
    """

    _name = "billing.fr.rate"
    _description = "French Official Rate"
    _order = "rate_type, date_start desc"

    rate_type = fields.Selection(
        selection=[
            ("legal_pro", "Legal interest rate (professional creditors)"),
            ("legal_private", "Legal interest rate (private individuals)"),
            ("ecb_refi", "ECB main refinancing rate"),
        ],
        required=True,
    )
    date_start = fields.Date(string="In force from", required=True)
    rate = fields.Float(string="Rate (%)", digits=(5, 3), required=True, aggregator=None)
    note = fields.Char(string="Source")

    _sql_constraints = [
        (
            "rate_type_date_uniq",
            "unique(rate_type, date_start)",
            "There is already a rate of this type starting on this date.",
        ),
    ]

    @api.constrains("rate")
    def _check_rate(self):
        for record in self:
            if record.rate < 0 or record.rate > 100:
                raise ValidationError(
                    _(
                        "Rate %(type)s from %(date)s: the rate must be between 0 and 100 %%.",
                        type=record.rate_type,
                        date=record.date_start,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _get_rate(self, rate_type, date):
        """Return the rate of ``rate_type`` in force on ``date`` (0.0 when unknown); cached,
        as posting many invoices asks for the same few rates."""
        return self._get_rate_cached(rate_type, fields.Date.to_date(date))

    @api.model
    @tools.ormcache("rate_type", "date")
    def _get_rate_cached(self, rate_type, date):
        rate = self.sudo().search(
            [("rate_type", "=", rate_type), ("date_start", "<=", date)],
            order="date_start desc",
            limit=1,
        )
        return rate.rate if rate else 0.0
