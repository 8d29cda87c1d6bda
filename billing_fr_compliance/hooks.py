# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Customers recorded before the addon was installed get their SIREN from their SIRET or
    French VAT number, so that their invoices pass the posting gate."""
    env["res.partner"]._billing_fill_missing_siren()
