# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command
from odoo.tests import HttpCase, new_test_user


class _PreconnectTimeoutFilter(logging.Filter):
    """Headless Chromium opens a spare connection ahead of its next request; Odoo's test
    server closes it after 5 s of silence (odoo/service/server.py, RequestHandler) and the
    standard library logs that as an error of the werkzeug logger. On a busy machine the
    web client's first page can take longer than that, so this one message is not a fault of
    the tour; any other werkzeug error still shows."""

    def filter(self, record):
        return "Request timed out" not in record.getMessage()


class FrenchTourCase(HttpCase):
    """Browser tours walked by a billing clerk whose web client is in French."""

    # modules whose French terms (views, menus, fields) the tours show or check
    french_modules = (
        "web",
        "account",
        "sale",
        "stock",
        "billing_fr_compliance",
        "billing_dunning",
        "billing_project_link",
    )

    @classmethod
    def _french_clerk(cls, groups):
        """French installed and a billing clerk of the test company whose language is
        French, with ``groups`` (comma-separated xml ids) and no onboarding tours."""
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"].search(
            [("name", "in", cls.french_modules), ("state", "=", "installed")]
        )._update_translations("fr_FR")
        clerk = new_test_user(
            cls.env,
            login="clerk_fr",
            name="Camille Durand",
            groups=groups,
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
            lang="fr_FR",
            tz="Europe/Paris",
        )
        if "tour_enabled" in clerk._fields:
            clerk.tour_enabled = False
        return clerk

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        werkzeug_logger = logging.getLogger("werkzeug")
        preconnect_filter = _PreconnectTimeoutFilter()
        werkzeug_logger.addFilter(preconnect_filter)
        try:
            login = kwargs.get("login")
            if login:
                # the first page of a fresh database is slow to build (asset bundles, the
                # user's language): build it once here, out of Chrome's 20 s navigation limit
                self.authenticate(login, login)
                self.url_open(url_path, timeout=300)
            return super().start_tour(url_path, tour_name, step_delay, **kwargs)
        finally:
            werkzeug_logger.removeFilter(preconnect_filter)
