# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Customers recorded before the addon was installed get their SIREN from their SIRET or
    French VAT number, so that their invoices pass the posting gate; invoices posted before
    and not sent yet get their Factur-X checked by the scheduled action."""
    env["res.partner"]._billing_fill_missing_siren()
    env["account.move"]._fr_facturx_check_unsent()
