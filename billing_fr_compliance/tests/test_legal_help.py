# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Help in French: each field of the legal identity has a one-paragraph help (the ? of the
field), the help page lists them, and the gate's refusal names where that help is."""

import json

from markupsafe import escape

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingFrCommon
from .common_tour import FrenchTourCase

# fields this addon defines: their help as the form shows it (fields_get)
OWN = {
    "res.partner": ["siren"],
    "res.company": ["siren", "fr_rcs_kind", "fr_rcs_city", "fr_legal_form", "fr_share_capital"],
}
# fields Odoo defines whose help this addon writes (res_partner_help.py); the company's are
# related to its partner's
CORE = ["siret", "vat", "phone"]


@tagged("post_install", "-at_install")
class TestLegalHelp(BillingFrCommon, FrenchTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk("base.group_user,account.group_account_invoice")
        # this addon's French, whatever the state of the module list when the test runs
        cls.env["ir.module.module"].search(
            [("name", "=", "billing_fr_compliance")]
        )._update_translations("fr_FR")

    def test_each_identity_field_has_a_french_paragraph(self):
        for model, names in OWN.items():
            english = self.env[model].with_context(lang="en_US").fields_get(names, ["help"])
            french = self.env[model].with_context(lang="fr_FR").fields_get(names, ["help"])
            for name in names:
                help_en, help_fr = english[name].get("help"), french[name].get("help")
                self.assertTrue(help_fr and len(help_fr) > 80, f"{model}.{name}: {help_fr}")
                self.assertNotEqual(help_fr, help_en, f"{model}.{name} is not in French")
        for name in CORE:
            field = self.env["ir.model.fields"]._get("res.partner", name)
            help_en = field.with_context(lang="en_US").help
            help_fr = field.with_context(lang="fr_FR").help
            self.assertTrue(help_en and len(help_en) > 80, f"res.partner.{name}: {help_en}")
            self.assertNotEqual(help_fr, help_en, f"res.partner.{name} is not in French")

    def test_gate_refusal_names_the_help(self):
        self.company.write({"fr_legal_form": False})
        invoice = self._invoice().with_user(self.clerk).with_context(lang="fr_FR")
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        self.assertIn("Aide sur les mentions des factures", error.exception.args[0])

    def test_gate_refusal_dialog_links_the_help(self):
        """The refusal reaches the web client as the gate's own dialog (FrGateRefusal, see
        static/src/js/gate_refusal.js) with the help page's address, for a mention fixed on
        another record (a button opens it) and for one fixed on the invoice itself (none);
        the address opens the help page."""
        self.authenticate(self.clerk.login, self.clerk.login)

        def click_post(move):
            with mute_logger("odoo.http"):  # the refusal, logged by Odoo's request handler
                response = self.url_open(
                    "/web/dataset/call_button",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "id": 1,
                            "params": {
                                "model": "account.move",
                                "method": "action_post",
                                "args": [move.ids],
                                "kwargs": {"context": {"lang": "fr_FR"}},
                            },
                        }
                    ),
                    headers={"Content-Type": "application/json"},
                )
            return response.json()["error"]["data"]

        self.customer.billing_po_required = True  # fixed on the invoice: no record to open
        on_invoice = click_post(self._invoice())
        self.company.write({"fr_legal_form": False})  # fixed on the company
        on_company = click_post(self._invoice())
        for error in (on_invoice, on_company):
            self.assertEqual(
                error["name"], "odoo.addons.billing_fr_compliance.exceptions.FrGateRefusal"
            )
            self.assertEqual(error["arguments"][4], "/billing_fr_compliance/help")
        self.assertIsNone(on_invoice["arguments"][1])
        self.assertEqual(on_company["arguments"][1]["res_model"], "res.company")
        response = self.url_open(on_company["arguments"][4], timeout=120)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Aide sur les mentions des factures", response.text)

    def test_help_page_in_french(self):
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open("/billing_fr_compliance/help", timeout=120)
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("Aide sur les mentions des factures", page)
        siren_help = (
            self.env["res.partner"]
            .with_context(lang="fr_FR")
            .fields_get(["siren"], ["help"])["siren"]["help"]
        )
        self.assertIn('id="siren"', page)
        self.assertIn(str(escape(siren_help[:60])), page)
