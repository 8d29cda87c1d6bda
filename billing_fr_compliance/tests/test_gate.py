# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestGate(BillingFrCommon):
    def test_b2b_fr_multi_rate_posts(self):
        invoice = self._invoice(products=self.goods + self.service + self.book)
        self.assertEqual(
            sorted(invoice.invoice_line_ids.tax_ids.mapped("amount")), [5.5, 10.0, 20.0]
        )
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.fr_compliance_status, "compliant")
        self.assertEqual(invoice.fr_operation_nature, "mixed")

    def test_refuses_with_one_error_listing_everything(self):
        self.company.write({"siren": False, "fr_legal_form": False, "fr_rcs_city": False})
        self.customer.write({"siren": False, "vat": False})
        invoice = self._invoice()
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        message = str(error.exception)
        for label in (
            "Seller SIREN",
            "Seller legal form",
            "Seller register: RCS or RM and its city",
            "Customer SIREN",
            "the customer form (Bâtiments Martin SARL)",
            # the path read from the menus, not written by hand
            self.env["ir.ui.menu"]._billing_menu_path("account.menu_account_config")
            + " > Facturation France",
        ):
            self.assertIn(label, message)
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.fr_legal_snapshot)

    def test_buyer_siren_refused_then_accepted(self):
        self.customer.write({"siren": False, "vat": False})
        invoice = self._invoice()
        with self.assertRaisesRegex(UserError, "Customer SIREN"):
            invoice.action_post()
        self.customer.siren = "552081317"
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_buyer_siren_must_be_valid_to_post(self):
        # a partner recorded before the addon (an import, a script) with a SIREN whose key is
        # wrong: it stays editable, but its invoice is refused until the SIREN is fixed
        self.env.cr.execute(
            "UPDATE res_partner SET siren = %s WHERE id = %s", ("552081318", self.customer.id)
        )
        self.customer.invalidate_recordset(["siren"])
        self.customer.write({"phone": "+33 1 42 00 00 01", "comment": "legacy"})
        invoice = self._invoice()
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        message = str(error.exception)
        self.assertIn("Valid customer SIREN (9 digits with a correct check key)", message)
        self.assertIn("the customer form (Bâtiments Martin SARL)", message)
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.fr_legal_snapshot)
        # in the clerk's French
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["billing_fr_compliance"], ["fr_FR"], overwrite=True
        )
        with self.assertRaises(UserError) as error:
            invoice.with_context(lang="fr_FR").action_post()
        self.assertIn(
            "SIREN du client valide (9 chiffres avec une clé de contrôle juste) : celui "
            "enregistré est faux. À corriger dans : la fiche du client (Bâtiments Martin SARL)",
            str(error.exception),
        )
        self.customer.siren = "552081317"
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_b2c_needs_no_siren_nor_indemnity(self):
        invoice = self._invoice(partner=self.private)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.fr_legal_snapshot["indemnity_text"])

    def test_intra_eu_goods(self):
        position = self.env["account.chart.template"].ref("fiscal_position_template_intraeub2b")
        self.assertEqual(position.fr_vat_regime, "intra_eu")
        invoice = self._invoice(partner=self.german, fiscal_position_id=position)
        self.assertFalse(any(invoice.invoice_line_ids.tax_ids.mapped("amount")))
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("262 ter I", invoice.fr_legal_snapshot["exemption_text"])
        # without the customer's VAT number it is refused
        self.german.vat = False
        second = self._invoice(partner=self.german, fiscal_position_id=position)
        with self.assertRaisesRegex(UserError, "Customer intra-EU VAT number"):
            second.action_post()

    def test_taxed_line_under_exemption_refused(self):
        position = self.env["account.chart.template"].ref("fiscal_position_template_intraeub2b")
        invoice = self._invoice(partner=self.german, fiscal_position_id=position)
        invoice.invoice_line_ids.tax_ids = self.tax_20
        with self.assertRaisesRegex(UserError, "No VAT on a line"):
            invoice.action_post()

    def test_export(self):
        position = self.env["account.chart.template"].ref("fiscal_position_template_import_export")
        self.assertEqual(position.fr_vat_regime, "export")
        invoice = self._invoice(partner=self.canadian, fiscal_position_id=position)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("262 I", invoice.fr_legal_snapshot["exemption_text"])

    def test_zero_rate_without_regime_refused(self):
        invoice = self._invoice()
        invoice.invoice_line_ids.tax_ids = self.tax_0
        with self.assertRaisesRegex(UserError, "Exemption wording"):
            invoice.action_post()

    def test_franchise_293_b(self):
        franchise = self._fiscal_position("franchise", "Franchise en base")
        self.company.vat = False
        invoice = self._invoice(fiscal_position_id=franchise, products=self.service)
        invoice.action_post()
        self.assertIn("293 B", invoice.fr_legal_snapshot["exemption_text"])
        # a company without VAT number and not under the franchise is refused
        standard = self._invoice(products=self.service)
        with self.assertRaisesRegex(UserError, "Seller intra-EU VAT number"):
            standard.action_post()

    def test_reverse_charge(self):
        reverse = self._fiscal_position("reverse_charge", "Sous-traitance BTP")
        self.customer.vat = False
        invoice = self._invoice(fiscal_position_id=reverse, products=self.service)
        with self.assertRaisesRegex(UserError, "Customer intra-EU VAT number"):
            invoice.action_post()
        self.customer.vat = "FR03552081317"
        invoice.action_post()
        self.assertIn("Autoliquidation", invoice.fr_legal_snapshot["exemption_text"])

    def test_purchase_order_when_required(self):
        self.customer.billing_po_required = True
        invoice = self._invoice()
        with self.assertRaisesRegex(UserError, "Customer purchase order number"):
            invoice.action_post()
        invoice.ref = "PO-2026-042"
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_delivery_address_must_be_complete(self):
        site = self.env["res.partner"].create(
            {
                "name": "Chantier",
                "type": "delivery",
                "parent_id": self.customer.id,
                "zip": "69100",
                "city": "Villeurbanne",
                "country_id": self.fr.id,
            }
        )
        invoice = self._invoice(partner_shipping_id=site)
        with self.assertRaisesRegex(UserError, "Complete delivery address"):
            invoice.action_post()
        site.street = "30 cours Émile Zola"
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.fr_compliance_status, "compliant")

    def test_warn_mode_posts_with_a_chatter_warning(self):
        self.company.fr_gate_mode = "warn"
        self.customer.write({"siren": False, "vat": False})
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.fr_compliance_status, "missing")
        self.assertIn("Customer SIREN", invoice.message_ids[0].body)

    def test_off_mode_and_second_company(self):
        company_2 = self.setup_other_company(name="Second SAS")["company"]
        self.assertEqual(company_2.fr_gate_mode, "block")
        self.customer.write({"siren": False, "vat": False})
        # the second company is incomplete and blocks; switching it off lets it post
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.invoice_date,
            amounts=[100.0],
            company=company_2,
        )
        with self.assertRaisesRegex(UserError, "Seller SIREN"):
            invoice.action_post()
        company_2.fr_gate_mode = "off"
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        # the first company still blocks
        with self.assertRaises(UserError):
            self._invoice().action_post()

    def test_gate_only_for_french_companies(self):
        self.customer.write({"siren": False, "vat": False})
        invoice = self._invoice()
        # a sister company accounting in Belgium is not held to French mentions
        self.company.account_fiscal_country_id = self.env.ref("base.be")
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.company.account_fiscal_country_id = self.env.ref("base.fr")
        with self.assertRaisesRegex(UserError, "Customer SIREN"):
            self._invoice().action_post()

    def test_check_compliance_button(self):
        self.customer.write({"siren": False, "vat": False})
        invoice = self._invoice()
        self.assertEqual(invoice.fr_compliance_status, "unchecked")
        action = invoice.action_fr_check_compliance()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(invoice.fr_compliance_status, "missing")
        self.assertIn("Customer SIREN", invoice.fr_compliance_issues)
        self.assertEqual(
            self.env["account.move"].search(
                [("id", "=", invoice.id), ("fr_compliance_status", "=", "missing")]
            ),
            invoice,
        )
        # editing the draft makes the last check stale
        invoice.ref = "PO-1"
        self.assertEqual(invoice.fr_compliance_status, "unchecked")
        self.customer.siren = "552081317"
        action = invoice.action_fr_check_compliance()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(invoice.fr_compliance_status, "compliant")
        self.assertFalse(invoice.fr_compliance_issues)

    def test_batch_posting_posts_the_good_and_reports_the_bad(self):
        good_1 = self._invoice()
        good_2 = self._invoice(partner=self.private)
        bad = self._invoice(partner=self.customer)
        bad.invoice_line_ids.tax_ids = self.tax_0
        moves = good_1 + good_2 + bad
        wizard = Form(
            self.env["validate.account.move"].with_context(
                active_model="account.move", active_ids=moves.ids
            )
        ).save()
        action = wizard.validate_move()
        self.assertEqual(good_1.state, "posted")
        self.assertEqual(good_2.state, "posted")
        self.assertEqual(bad.state, "draft")
        self.assertEqual(bad.fr_compliance_status, "missing")
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(f"Draft invoice #{bad.id}", action["params"]["message"])
        self.assertIn("Exemption wording", action["params"]["message"])
        self.assertNotIn(f"#{good_1.id}", action["params"]["message"])
        self.assertNotIn("Claire Moreau", action["params"]["message"])

    def test_batch_posting_keeps_odoo_wizard_handling(self):
        # the documents the gate lets through are posted by Odoo's own wizard, which does its
        # part: here it offers to auto-validate the bills of a vendor whose last three bills
        # were posted as imported, never modified
        vendor = self.env["res.partner"].create(
            {"name": "Fournitures Roux", "autopost_bills": "ask"}
        )
        self.company.autopost_bills = True
        bills = self.env["account.move"]
        for __ in range(3):
            bills |= (
                self.env["account.move"]
                .with_context(skip_is_manually_modified=True)
                .create(
                    {
                        "move_type": "in_invoice",
                        "partner_id": vendor.id,
                        "invoice_date": self.invoice_date,
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Papier", "price_unit": 100.0, "is_imported": True}
                            )
                        ],
                    }
                )
            )
        bills[:2].action_post()
        bad = self._invoice()
        bad.invoice_line_ids.tax_ids = self.tax_0
        wizard = Form(
            self.env["validate.account.move"].with_context(
                active_model="account.move", active_ids=(bills[2] + bad).ids
            )
        ).save()
        action = wizard.validate_move()
        self.assertEqual(bills[2].state, "posted")
        self.assertEqual(bad.state, "draft")
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("1 document(s) posted, 1 refused", action["params"]["title"])
        self.assertIn(bad._fr_label(), action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_model"], "account.autopost.bills.wizard")

    def test_batch_posting_of_one_refused_document_raises(self):
        bad = self._invoice()
        bad.invoice_line_ids.tax_ids = self.tax_0
        wizard = Form(
            self.env["validate.account.move"].with_context(
                active_model="account.move", active_ids=bad.ids
            )
        ).save()
        with self.assertRaisesRegex(UserError, "Exemption wording"):
            wizard.validate_move()
        self.assertEqual(bad.state, "draft")

    def test_action_post_on_many_from_code_posts_nothing(self):
        # code that posts several invoices (sale, batch invoicing) gets an error, never a
        # silent partial post; only the "Post entries" wizard posts the compliant ones
        good = self._invoice()
        bad = self._invoice()
        bad.invoice_line_ids.tax_ids = self.tax_0
        with self.assertRaises(UserError) as error:
            (good + bad).action_post()
        self.assertIn("Exemption wording", str(error.exception))
        self.assertEqual(good.state, "draft")
        self.assertEqual(bad.state, "draft")

    def test_vendor_bills_are_not_checked(self):
        self.company.write({"siren": False})
        bill = self.init_invoice(
            "in_invoice", invoice_date=self.invoice_date, amounts=[100.0], post=True
        )
        self.assertEqual(bill.state, "posted")

    def test_due_date_beyond_the_law(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "90 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 90})
                ],
            }
        )
        self.assertIn("L441-10", term.fr_legal_warning)
        invoice = self._invoice(invoice_payment_term_id=term)
        with self.assertRaisesRegex(UserError, "Due date within 60 days"):
            invoice.action_post()
        # a private customer is not bound by the B2B limit
        private = self._invoice(partner=self.private, invoice_payment_term_id=term)
        private.action_post()
        self.assertEqual(private.state, "posted")

    def test_payment_term_form_warns(self):
        with Form(self.env["account.payment.term"]) as term_form:
            term_form.name = "45 jours fin de mois"
            with term_form.line_ids.edit(0) as line:
                line.delay_type = "days_end_of_month_on_the"
                line.nb_days = 45
                line.days_next_month = "0"
            self.assertFalse(term_form.fr_legal_warning)
            with term_form.line_ids.edit(0) as line:
                line.delay_type = "days_after"
                line.nb_days = 75
            self.assertTrue(term_form.fr_legal_warning)
        term = self.env.ref("account.account_payment_term_45days")
        self.assertFalse(term.fr_legal_warning)

    def test_regimes_of_an_installed_french_chart(self):
        chart = self.env["account.chart.template"]
        intra = chart.ref("fiscal_position_template_intraeub2b")
        export = chart.ref("fiscal_position_template_import_export")
        domestic = chart.ref("fiscal_position_template_domestic")
        (intra + export).fr_vat_regime = "standard"
        self.env["account.fiscal.position"]._fr_set_default_regimes()
        self.assertEqual(intra.fr_vat_regime, "intra_eu")
        self.assertEqual(export.fr_vat_regime, "export")
        self.assertEqual(domestic.fr_vat_regime, "standard")
