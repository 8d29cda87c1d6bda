# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The same file in billing_project_link and billing_dunning (each installs alone):
# tests/test_shared_copies.py keeps the copies identical.
from odoo import api, fields, models


class WebTourTour(models.Model):
    _inherit = "web_tour.tour"

    billing_group_id = fields.Many2one(
        "res.groups",
        string="Onboarding For",
        help="Only the users of this group are shown this tour as onboarding. Empty: every "
        "internal user, as Odoo does.",
    )

    @api.model
    def get_current_tour(self):
        # EXTENDS web_tour: the onboarding tour to show is the first one not yet followed,
        # leaving out the tours of a group the user is not in (a billing tour would wait
        # forever for a menu a warehouse user does not have)
        user = self.env.user
        if not (user.tour_enabled and user._is_internal()):
            return super().get_current_tour()
        tours = self.search([("custom", "=", False), ("user_consumed_ids", "not in", user.id)])
        tour = tours.filtered(
            lambda t: not t.billing_group_id or t.billing_group_id in user.groups_id
        )[:1]
        return bool(tour) and tour._get_tour_json()
