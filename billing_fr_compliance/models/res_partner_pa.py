# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools import afnor_client


# one file per concern of issue 13: the PA directory on the customer
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    _inherit = "res.partner"

    billing_pa_address = fields.Char(
        "Electronic address (directory)",
        copy=False,
        help="Where the customer receives its invoices in the e-invoicing directory "
        "(SIREN, SIREN_SIRET, SIREN_SIRET_routing code or SIREN_suffix): the buyer's "
        "electronic address (scheme 0225) of its Factur-X.",
    )
    billing_pa_siret = fields.Char("Directory SIRET", copy=False)
    billing_pa_routing_code = fields.Char("Routing code", copy=False)
    billing_pa_suffix = fields.Char("Addressing suffix", copy=False)
    billing_pa_directory_date = fields.Datetime("Directory checked on", copy=False)
    billing_pa_public = fields.Boolean(
        "Public-sector buyer", copy=False, help="Found in the directory as a public entity."
    )
    billing_pa_requires_service_code = fields.Boolean(
        "Requires a service code",
        copy=False,
        help="Its invoices must be addressed to one of its services (a routing code).",
    )
    billing_pa_requires_commitment = fields.Boolean(
        "Requires a commitment number",
        copy=False,
        help="Its invoices must carry its legal commitment number (the customer reference).",
    )

    def action_billing_pa_lookup(self):
        """Button: look the customer up in the directory of the company's platform."""
        for partner in self:
            partner._billing_pa_lookup()
        return True

    def _billing_pa_lookup(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        if not partner.siren:
            raise UserError(
                _(
                    "%(name)s: fill in the SIREN to look the customer up in the directory.",
                    name=partner.display_name,
                )
            )
        platform = self.env["billing.pa.platform"]._billing_pa_for_company(self.env.company)
        if not platform or not platform.directory_url:
            raise UserError(
                _(
                    "%(company)s has no e-invoicing platform with a Directory API URL.",
                    company=self.env.company.display_name,
                )
            )
        client = platform._billing_pa_client()
        try:
            lines = client.search_directory_lines(siren=partner.siren)
        except afnor_client.AfnorAuthError as error:
            platform._billing_pa_stop(error)
            raise UserError(platform.stop_reason) from error
        except afnor_client.AfnorError as error:
            raise UserError(
                _(
                    "%(name)s: the directory did not answer (%(error)s).",
                    name=partner.display_name,
                    error=str(error),
                )
            ) from error
        lines = [line for line in lines if line.get("siren") == partner.siren]
        line = afnor_client.choose_line(lines, siret=partner.siret)
        if not line:
            raise UserError(
                _(
                    "%(name)s: the SIREN %(siren)s is not in the e-invoicing directory.",
                    name=partner.display_name,
                    siren=partner.siren,
                )
            )
        data = afnor_client.addressing_from_line(line)
        partner.write(
            {
                "billing_pa_address": data["address"],
                "billing_pa_siret": data["siret"],
                "billing_pa_routing_code": data["routing_identifier"],
                "billing_pa_suffix": data["suffix"],
                "billing_pa_public": data["public"],
                "billing_pa_requires_service_code": data["requires_service_code"],
                "billing_pa_requires_commitment": data["requires_commitment"],
                "billing_pa_directory_date": fields.Datetime.now(),
            }
        )
        return data
