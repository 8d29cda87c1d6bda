# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: Factur-X goes through account_edi_ubl_cii, selected by the customer's
``invoice_edi_format`` (company dependent); our own ``res.partner.fr_facturx_mode`` is gone.

For every French company, a customer's old choice becomes its eInvoice format there:
"Factur-X" -> ``facturx``; "Plain PDF" -> none; "Company setting" with the company switch
off (plain PDFs) -> none, so that nobody starts receiving Factur-X by the upgrade. The
switch (``fr_facturx_enabled``) now means "Factur-X for all customers" (see README).
The old column is left to Odoo, which drops it with the field."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = 'fr_facturx_mode'"
    )
    if not cr.fetchone():
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        "SELECT id, fr_facturx_mode FROM res_partner "
        "WHERE fr_facturx_mode IS NOT NULL AND fr_facturx_mode != 'company'"
    )
    chosen = dict(cr.fetchall())
    cr.execute(
        "SELECT id FROM res_partner WHERE fr_facturx_mode IS NULL OR fr_facturx_mode = 'company'"
    )
    following = [row[0] for row in cr.fetchall()]
    companies = env["res.company"].search([]).filtered(lambda c: c._fr_is_french())
    for company in companies:
        partners = env["res.partner"].with_company(company).with_context(active_test=False)
        to_facturx = [pid for pid, mode in chosen.items() if mode == "facturx"]
        to_none = [pid for pid, mode in chosen.items() if mode == "pdf"]
        if not company.fr_facturx_enabled:
            to_none += following
        if to_facturx:
            partners.browse(to_facturx).write({"invoice_edi_format_store": "facturx"})
        if to_none:
            partners.browse(to_none).write({"invoice_edi_format_store": "none"})
