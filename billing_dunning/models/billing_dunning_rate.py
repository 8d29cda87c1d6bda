# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# billing_fr_compliance (optional): its model of the official rates and its rate kinds
FR_RATE_MODEL = "billing.fr.rate"
FR_RATE_TYPES = {"ecb_refi": "ecb_refi", "legal": "legal_pro"}


class BillingDunningRate(models.Model):
    """Reference rates of late interest, in force from a date (1 January / 1 July):

    - the ECB main refinancing rate: the late-payment rate between professionals of a
      half-year is this rate + 10 points (C. com. L441-10);
    - the legal interest rate for "all other cases" (a company's claim), fixed by arrêté
      for each half-year: what a consumer owes from the formal notice (C. civ. 1231-6)."""

    _name = "billing.dunning.rate"
    _description = "Late Interest Reference Rate"
    _order = "rate_type, date_from desc"
    _rec_name = "date_from"

    rate_type = fields.Selection(
        [("ecb_refi", "ECB refinancing rate"), ("legal", "Legal interest rate")],
        string="Rate",
        required=True,
        default="ecb_refi",
        help="ECB refinancing rate: late interest between professionals is this rate + 10 "
        "points. Legal interest rate (other cases): late interest owed by a consumer from "
        "the formal notice.",
    )
    date_from = fields.Date(string="In force from", required=True)
    # a rate is never summed: grouped by kind, the list shows no total
    rate = fields.Float(string="Rate (%)", digits=(16, 4), required=True, aggregator=None)

    _sql_constraints = [
        (
            "date_from_uniq",
            "unique(rate_type, date_from)",
            "There is already a rate of this kind for this date.",
        ),
    ]

    @api.constrains("rate")
    def _check_rate(self):
        for record in self:
            if not -10 <= record.rate <= 100:
                raise ValidationError(
                    _(
                        "The rate of %(date)s must be a percentage between -10 and 100 "
                        "(field: Rate (%%)).",
                        date=record.date_from,
                    )
                )

    @api.model
    def _get_rates(self, rate_type="ecb_refi"):
        """The rates of one kind as ``[(date_from, percent)]`` for tools.interest.

        billing_fr_compliance, when installed, keeps the same official rates in its model
        ``billing.fr.rate`` (menu French Official Rates): they are read there, so that a
        clerk keeps one table (this addon's menu is then hidden, see ir.ui.menu)."""
        if FR_RATE_MODEL in self.env:
            return [
                (r.date_start, r.rate)
                for r in self.env[FR_RATE_MODEL]
                .sudo()
                .search([("rate_type", "=", FR_RATE_TYPES[rate_type])])
            ]
        return [(r.date_from, r.rate) for r in self.sudo().search([("rate_type", "=", rate_type)])]

    @api.model
    def _get_menu(self):
        """The menu where the rates are kept: billing_fr_compliance's when installed."""
        if FR_RATE_MODEL in self.env:
            menu = self.env.ref(
                "billing_fr_compliance.billing_fr_rate_menu", raise_if_not_found=False
            )
            if menu:
                return menu
        return self.env.ref("billing_dunning.billing_dunning_rate_menu")
