"""What the benches of tests/bench/ set up alike: Odoo started on a database with the
repository's addons, and a French company with a complete legal identity.

Imported by the bench scripts from their own folder (``sys.path``), never by the addons."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# the bench company's legal identity (a real-looking SIREN with its key, its VAT number)
FRENCH_IDENTITY = {
    "street": "12 rue de la République",
    "zip": "69002",
    "city": "Lyon",
    "siren": "820419653",
    "vat": "FR80820419653",
    "fr_legal_form": "SAS",
    "fr_share_capital": 50000,
    "fr_rcs_kind": "rcs",
    "fr_rcs_city": "Lyon",
}


def start_odoo(db, *options):
    """Odoo's configuration for ``db`` with Odoo's addons and this repository's, the log at
    warnings (plus ``options``, command-line style); returns ``db``'s registry."""
    import odoo
    from odoo.tools import config

    odoo_root = os.path.dirname(os.path.dirname(odoo.__file__))
    config.parse_config(
        [
            "-d",
            db,
            "--addons-path",
            f"{odoo_root}/odoo/addons,{odoo_root}/addons,{ROOT}",
            "--log-level",
            "warn",
            *options,
        ]
    )
    return odoo.modules.registry.Registry(db)


def french_company(env, name="Bench Atelier SAS", **values):
    """A new French company with the bench identity (``values`` added or replacing), the
    French chart of accounts loaded; returns ``(env restricted to it, company)``."""
    company = env["res.company"].create(
        {"name": name, "country_id": env.ref("base.fr").id, **FRENCH_IDENTITY, **values}
    )
    env = env(context={"allowed_company_ids": [company.id]})
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    return env, company
