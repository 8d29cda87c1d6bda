# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import importlib.util
import io
import os
from datetime import timedelta
from unittest.mock import patch

import facturx
from freezegun import freeze_time
from pypdf import PdfReader, PdfWriter

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import SQL, config, mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..hooks import post_init_hook
from ..tools import facturx_check
from .common import BillingFrCommon


@mute_logger("odoo.addons.base.models.ir_actions_report")  # wkhtmltopdf's qt warnings
def send_and_print(env, move):
    """Send & Print through the wizard as a user does, rendering a real PDF. account_edi_ubl_cii
    embeds the Factur-X into the PDF only outside tests (``test_enable``: it stores a loose
    ``factur-x.xml`` attachment instead), so the option is off while the wizard runs."""
    wizard = (
        env["account.move.send.wizard"]
        .with_context(active_model="account.move", active_ids=move.ids, force_report_rendering=True)
        .create({"sending_methods": ["manual"]})
    )
    with patch.dict(config.options, {"test_enable": False}):
        return wizard.action_send_and_print()


def make_pdf(pages):
    """A PDF of blank A4 pages (a company's general terms of sale, in the tests)."""
    writer = PdfWriter()
    for __ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestFacturx(BillingFrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf fetches the report assets over HTTP; the test server cannot answer while
        # the test holds its transaction, so point it at a closed port: the PDF is real (not
        # the HTML fallback of tests), only unstyled
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        # the Factur-X check is what these tests exercise, not the posting gate (the 0 % VAT
        # lines carry no fiscal position, one test posts an invoice whose customer lacks a SIREN)
        cls.company.fr_gate_mode = "off"
        cls.bank = cls.env["res.partner.bank"].create(
            {
                "acc_number": "FR7630006000011234567890189",
                "partner_id": cls.company.partner_id.id,
                "allow_out_payment": True,
            }
        )
        cls.company_data["default_journal_sale"].bank_account_id = cls.bank

    # helpers ---------------------------------------------------------------------------------

    def _posted_invoice(self, partner, lines):
        """A posted invoice of (product, quantity, unit price, tax, discount) lines."""
        with freeze_time(self.invoice_date):
            with Form(
                self.env["account.move"].with_context(default_move_type="out_invoice")
            ) as form:
                form.partner_id = partner
                form.invoice_date = self.invoice_date
                form.ref = "PO-778"
                for product, qty, price, tax, discount in lines:
                    with form.invoice_line_ids.new() as line:
                        line.product_id = product
                        line.quantity = qty
                        line.price_unit = price
                        line.discount = discount
                        line.tax_ids.clear()
                        line.tax_ids.add(tax)
            move = form.save()
            move.action_post()
        return move

    def _send_and_print(self, move):
        return send_and_print(self.env, move)

    def _send(self, move):
        """Send and print the document; return the PDF stored on it."""
        self._send_and_print(move)
        self.assertTrue(move.invoice_pdf_report_id, "the PDF is stored on the invoice")
        return move.invoice_pdf_report_id.raw

    def _assert_facturx_pdf(self, pdf):
        embedded = PdfReader(io.BytesIO(pdf)).attachments
        self.assertEqual(list(embedded), ["factur-x.xml"])
        self.assertEqual(len(embedded["factur-x.xml"]), 1, "exactly one factur-x.xml")
        filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
        self.assertEqual(filename, "factur-x.xml")
        # a Factur-X is a PDF/A-3 whose XMP metadata names the Factur-X level (EN 16931)
        metadata = PdfReader(io.BytesIO(pdf)).xmp_metadata
        self.assertIsNotNone(metadata, "the Factur-X PDF carries XMP metadata")
        xmp = metadata.stream.get_data()
        self.assertIn(b"<pdfaid:part>3</pdfaid:part>", xmp)
        self.assertIn(b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", xmp)
        fired = facturx_check.check(xml)
        self.assertEqual(fired, [], facturx_check.user_messages(fired))
        return xml.decode()

    # valid documents ----------------------------------------------------------------------

    def test_fr_b2b_multi_rate_with_discount(self):
        move = self._posted_invoice(
            self.customer,
            [
                (self.goods, 10, 80.0, self.tax_20, 10.0),
                (self.service, 3, 50.0, self.tax_10, 0.0),
                (self.book, 2, 12.35, self.tax_55, 0.0),
            ],
        )
        xml = self._assert_facturx_pdf(self._send(move))
        self.assertIn("<ram:ID>M1</ram:ID>", xml)
        self.assertIn('<ram:ID schemeID="0002">552081317</ram:ID>', xml)
        self.assertIn('<ram:URIID schemeID="0225">552081317</ram:URIID>', xml)
        self.assertIn('<ram:ID schemeID="VA">FR03552081317</ram:ID>', xml)
        self.assertIn("<ram:IBANID>FR7630006000011234567890189</ram:IBANID>", xml)
        self.assertIn("<ram:IssuerAssignedID>PO-778</ram:IssuerAssignedID>", xml)
        self.assertIn("<ram:GrandTotalAmount>%.2f</ram:GrandTotalAmount>" % move.amount_total, xml)
        self.assertEqual(move.fr_facturx_state, "valid")

    def test_buyer_siret_and_units(self):
        """The buyer's SIRET goes with its SIREN, Odoo's hours become UN/ECE HUR."""
        self.customer.siret = "55208131700018"
        hour = self.env.ref("uom.product_uom_hour")
        audit = self.env["product.product"].create(
            {"name": "Audit", "type": "service", "uom_id": hour.id, "uom_po_id": hour.id}
        )
        move = self._posted_invoice(
            self.customer,
            [(audit, 3, 50.0, self.tax_20, 0.0), (self.goods, 2, 80.0, self.tax_20, 0.0)],
        )
        xml = self._assert_facturx_pdf(self._send(move))
        self.assertIn('<ram:GlobalID schemeID="0009">55208131700018</ram:GlobalID>', xml)
        self.assertRegex(xml, r'<ram:BilledQuantity unitCode="HUR">3(\.0+)?</ram:BilledQuantity>')
        self.assertRegex(xml, r'<ram:BilledQuantity unitCode="C62">2(\.0+)?</ram:BilledQuantity>')

    def test_b2c(self):
        move = self._posted_invoice(self.private, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        xml = self._assert_facturx_pdf(self._send(move))
        self.assertIn("<ram:Content>B2C</ram:Content>", xml)
        self.assertIn("<ram:SubjectCode>PMT</ram:SubjectCode>", xml)

    def test_intra_eu_goods(self):
        move = self._posted_invoice(self.german, [(self.goods, 5, 80.0, self.tax_0, 0.0)])
        xml = self._assert_facturx_pdf(self._send(move))
        self.assertIn("<ram:ExemptionReasonCode>VATEX-EU-IC</ram:ExemptionReasonCode>", xml)
        self.assertIn("<ram:Content>B2BINT</ram:Content>", xml)
        self.assertIn('<ram:ID schemeID="VA">DE129273398</ram:ID>', xml)
        self.assertIn('<ram:URIID schemeID="EM">rechnung@mueller.example</ram:URIID>', xml)

    def test_export(self):
        move = self._posted_invoice(self.canadian, [(self.goods, 5, 80.0, self.tax_0, 0.0)])
        xml = self._assert_facturx_pdf(self._send(move))
        self.assertIn("<ram:ExemptionReasonCode>VATEX-EU-G</ram:ExemptionReasonCode>", xml)

    def test_franchise(self):
        move = self._posted_invoice(self.customer, [(self.service, 4, 50.0, self.tax_0, 0.0)])
        xml = self._assert_facturx_pdf(self._send(move))
        self.assertIn("<ram:ExemptionReasonCode>VATEX-FR-FRANCHISE</ram:ExemptionReasonCode>", xml)
        self.assertIn("293 B du CGI", xml)

    def test_reverse_charged_services(self):
        move = self._posted_invoice(self.german, [(self.service, 4, 50.0, self.tax_0, 0.0)])
        xml = self._assert_facturx_pdf(self._send(move))
        self.assertIn("<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>", xml)
        self.assertIn("<ram:ID>S1</ram:ID>", xml)

    def test_credit_note_references_invoice(self):
        invoice = self._posted_invoice(self.customer, [(self.goods, 2, 80.0, self.tax_20, 0.0)])
        with freeze_time(self.invoice_date + timedelta(days=4)):
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "journal_id": invoice.journal_id.id,
                        "reason": "Retour",
                        "fr_credit_reason_id": self.env.ref(
                            "billing_fr_compliance.billing_fr_credit_reason_return"
                        ).id,
                    }
                )
            )
            credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
            credit_note.action_post()
        xml = self._assert_facturx_pdf(self._send(credit_note))
        self.assertIn("<ram:TypeCode>381</ram:TypeCode>", xml)
        self.assertIn("<ram:IssuerAssignedID>%s</ram:IssuerAssignedID>" % invoice.name, xml)

    def test_downloaded_pdf_is_the_sent_facturx(self):
        """The PDF that Send & Print stores is what the invoice's download and the customer
        portal give: Odoo embedded our XML once and kept the same XML as the invoice's
        e-invoice file."""
        move = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        pdf = self._send(move)
        self.assertEqual(move._get_invoice_legal_documents("pdf")["content"], pdf)
        xml = self._assert_facturx_pdf(pdf)
        self.assertEqual(move.ubl_cii_xml_id.raw.decode(), xml)

    @mute_logger("odoo.addons.base.models.ir_actions_report")
    def test_cgv_pdf_pages_follow_the_invoice(self):
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        move = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        plain, __ = report._render_qweb_pdf("account.account_invoices", res_ids=move.ids)
        self.company.fr_cgv_pdf = base64.b64encode(make_pdf(2))
        pdf = self._send(move)
        pages = len(PdfReader(io.BytesIO(plain)).pages)
        self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), pages + 2)
        self._assert_facturx_pdf(pdf)  # still one valid factur-x.xml

    # what the user sees ---------------------------------------------------------------------

    @mute_logger("odoo.addons.base.models.ir_actions_report")
    def test_failing_document_is_not_sent_and_user_sees_messages(self):
        self.customer.write({"siren": False, "siret": False, "vat": False})
        move = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        # checked at posting: the list and the form show it before anyone prints
        self.assertEqual(move.fr_facturx_state, "error")
        with self.assertRaises(UserError) as caught:
            self._send_and_print(move)
        self.assertIn("Le SIREN du client est absent (BR-FR-11)", str(caught.exception))
        self.assertIn("À corriger : le champ SIREN de la fiche du client", str(caught.exception))
        self.assertFalse(move.invoice_pdf_report_id, "nothing sent")
        with self.assertRaises(UserError):
            move.action_fr_facturx_download()
        # the check button stores the status and the messages shown on the form
        action = move.action_fr_facturx_check()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")  # the form shows it
        self.assertEqual(move.fr_facturx_state, "error")
        self.assertIn("Le SIREN du client est absent (BR-FR-11)", move.fr_facturx_messages)
        # the printed PDF is a plain one: no Factur-X of ours in it
        pdf, __ = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", res_ids=move.ids)
        )
        self.assertNotIn("factur-x.xml", PdfReader(io.BytesIO(pdf)).attachments)

    def test_error_banner_says_why_and_what_to_do_in_french(self):
        # the banner of an invoice whose Factur-X fails says what happens to it (Print & Send
        # refuses to send it, as test_failing_document_is_not_sent_and_user_sees_messages
        # shows) and what the clerk does next, in the clerk's French
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["billing_fr_compliance"], ["fr_FR"], overwrite=True
        )
        arch = (
            self.env["account.move"]
            .with_context(lang="fr_FR")
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn(
            "Factur-X non valide : Imprimer &amp; Envoyer n'enverra pas ce document tant que "
            "les erreurs ci-dessous ne sont pas corrigées.",
            arch,
        )
        self.assertIn(
            "Corrigez chacune à l'endroit indiqué, puis cliquez sur « Vérifier le Factur-X ».",
            arch,
        )
        self.assertNotIn("not sent as Factur-X", arch)
        self.assertNotIn("n'est pas envoyé en Factur-X", arch)

    def test_mutations_fire_rules(self):
        move = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        cases = {
            "BR-FR-11": lambda data: data["buyer"].update(siren="", siret=""),
            "BR-FR-05": lambda data: data["notes"].update(PMT=""),
            "BR-FR-08": lambda data: data.update(operation_nature=False),
            "FR-L441-9": lambda data: data.update(due_date=False),
        }
        from ..tools import facturx_data

        for rule, mutate in cases.items():
            data = move._fr_facturx_invoice_data()
            mutate(data)
            fired = facturx_check.check(facturx_data.build_xml(data))
            self.assertIn(rule, facturx_check.rule_ids(fired))
            self.assertTrue(any("(%s)" % rule in msg for msg in facturx_check.user_messages(fired)))

    def test_download_xml(self):
        move = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        action = move.action_fr_facturx_download()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        self.assertEqual(facturx_check.check(attachment.raw), [])

    def test_status_at_posting_and_check_reloads(self):
        move = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        self.assertTrue(move.fr_facturx_applicable)
        self.assertEqual(move.fr_facturx_state, "valid", "checked when posted")
        checksum = move.fr_facturx_checksum
        self.assertTrue(checksum)
        self._assert_facturx_pdf(self._send(move))
        self.assertEqual(move.fr_facturx_checksum, checksum, "the same XML, not checked again")
        action = move.action_fr_facturx_check()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")

    def test_bulk_posting_leaves_the_check_to_the_scheduled_action(self):
        count = self.env["account.move"]._fr_facturx_check_limit + 1
        with freeze_time(self.invoice_date):
            moves = self.env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.customer.id,
                        "invoice_date": self.invoice_date,
                        "ref": "PO-%d" % index,
                        "invoice_line_ids": [
                            Command.create({"product_id": self.goods.id, "price_unit": 80.0})
                        ],
                    }
                    for index in range(count)
                ]
            )
            moves.action_post()
        self.assertEqual(set(moves.mapped("fr_facturx_state")), {"pending"})
        cron = self.env.ref("billing_fr_compliance.ir_cron_fr_facturx_check")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            "the scheduled action is started at once",
        )
        self._age(moves)
        cron.method_direct_trigger()
        self.assertEqual(set(moves.mapped("fr_facturx_state")), {"valid"})
        # issue 28: the check stores its status only, never rewrites the entries' lines
        self.assertEqual(self._rewritten(moves), (0, 0))

    def _age(self, moves):
        """Give ``moves`` and their journal items an old write_date, as history has."""
        self.env.flush_all()
        for table, column in (("account_move", "id"), ("account_move_line", "move_id")):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = '2023-01-02' WHERE %s IN %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    tuple(moves.ids),
                )
            )
        self.env.invalidate_all()

    def _rewritten(self, moves):
        """(entries, journal items) of ``moves`` whose write_date changed since ``_age``."""
        self.env.flush_all()
        counts = []
        for table, column in (("account_move", "id"), ("account_move_line", "move_id")):
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM %s WHERE %s IN %s AND write_date <> '2023-01-02'",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    tuple(moves.ids),
                )
            )
            counts.append(self.env.cr.fetchone()[0])
        return tuple(counts)

    def test_invoices_posted_before_the_install_are_marked_not_checked(self):
        # issue 28: the install marked every old invoice "To Check" with an ORM write (which
        # rewrote its journal items) and the scheduled action then flagged old invoices as
        # errors for rules of their future
        unsent = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        sent = self._posted_invoice(self.customer, [(self.goods, 2, 80.0, self.tax_20, 0.0)])
        sent.is_move_sent = True
        history = unsent | sent
        # as before the install: no Factur-X status, an old write_date
        history._fr_facturx_store({"fr_facturx_state": False, "fr_facturx_checksum": False})
        self._age(history)
        post_init_hook(self.env)
        self.assertEqual(set(history.mapped("fr_facturx_state")), {"before_install"})
        cron = self.env.ref("billing_fr_compliance.ir_cron_fr_facturx_check")
        cron.method_direct_trigger()
        self.assertEqual(
            set(history.mapped("fr_facturx_state")), {"before_install"}, "not checked in bulk"
        )
        self.assertEqual(self._rewritten(history), (0, 0), "the history is left untouched")
        # the list shows it: the column is stored and read as is
        row = self.env["account.move"].search_read([("id", "=", unsent.id)], ["fr_facturx_state"])
        self.assertEqual(row[0]["fr_facturx_state"], "before_install")
        # checked when someone asks, or when it is sent again
        self.assertEqual(unsent.action_fr_facturx_check()["params"]["type"], "success")
        self.assertEqual(unsent.fr_facturx_state, "valid")
        self._assert_facturx_pdf(self._send(sent))
        self.assertEqual(sent.fr_facturx_state, "valid")

    # switches --------------------------------------------------------------------------------

    def test_customer_wants_plain_pdf(self):
        """A customer whose eInvoice format is none gets what Odoo sends without a format."""
        self.customer.invoice_edi_format = False
        move = self._posted_invoice(self.customer, [(self.goods, 1, 80.0, self.tax_20, 0.0)])
        self.assertFalse(move.fr_facturx_applicable)
        self.assertFalse(move.fr_facturx_state, "not checked at posting")
        self._send(move)
        self.assertFalse(move.ubl_cii_xml_id, "no e-invoice file beside the PDF")

    def test_company_switch(self):
        """On (default): Factur-X for every customer; off: the format Odoo suggests for the
        customer's country (Factur-X in France, none in Canada)."""
        partners = self.env["res.partner"].with_company(self.company)
        self.assertEqual(partners.browse(self.canadian.id).invoice_edi_format, "facturx")
        self.company.fr_facturx_enabled = False
        partners.invalidate_model(["invoice_edi_format"])
        self.assertFalse(partners.browse(self.canadian.id).invoice_edi_format)
        self.assertEqual(partners.browse(self.customer.id).invoice_edi_format, "facturx")
        move = self._posted_invoice(self.canadian, [(self.goods, 1, 80.0, self.tax_0, 0.0)])
        self.assertFalse(move.fr_facturx_applicable)
        self.canadian.with_company(self.company).invoice_edi_format = "facturx"
        move.invalidate_recordset(["fr_facturx_applicable"])
        self.assertTrue(move.fr_facturx_applicable)


@tagged("post_install", "-at_install")
class TestFacturxNotFrench(AccountTestInvoicingCommon):
    """A company that is not French (Odoo's generic test company, in the United States) in the
    same database: Send & Print gives what Odoo gives, no French check, no CGV pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        cls.company = cls.company_data["company"]
        cls.company.fr_cgv_pdf = base64.b64encode(make_pdf(2))

    def test_send_and_print_is_odoo_s(self):
        self.assertFalse(self.company._fr_is_french())
        # no SIREN, no French VAT rate, no legal notes: what the French rules would refuse
        move = self.init_invoice("out_invoice", amounts=[100.0], post=True)
        self.assertFalse(move.fr_facturx_applicable)
        expected_xml = self.env["account.edi.xml.cii"]._export_invoice(move)[0]
        send_and_print(self.env, move)
        pdf = move.invoice_pdf_report_id.raw
        self.assertFalse(move.fr_facturx_state, "no French check")
        embedded = PdfReader(io.BytesIO(pdf)).attachments
        self.assertEqual(embedded["factur-x.xml"], [expected_xml], "Odoo's own CII")
        self.assertNotIn(b"BR-FR", expected_xml)
        self.assertNotIn(b"<ram:SubjectCode>PMT</ram:SubjectCode>", expected_xml)
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            plain, __ = report._render_qweb_pdf("account.account_invoices", res_ids=move.ids)
        self.assertEqual(
            len(PdfReader(io.BytesIO(pdf)).pages),
            len(PdfReader(io.BytesIO(plain)).pages),
            "no CGV pages for a company that is not French",
        )


@tagged("post_install", "-at_install")
class TestFacturxMigration(BillingFrCommon):
    """18.0.1.1.0: the former per-customer Invoice Format becomes the customer's eInvoice
    format in each French company."""

    def _migrate(self):
        path = os.path.join(
            os.path.dirname(__file__), "..", "migrations", "18.0.1.1.0", "post-migrate.py"
        )
        spec = importlib.util.spec_from_file_location("billing_fr_migrate_18_0_1_1_0", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        self.env.flush_all()
        script.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()

    def test_old_invoice_format_becomes_the_einvoice_format(self):
        cr = self.env.cr
        # the column of the former field, as a database of 18.0.1.0.0 has it (rolled back)
        cr.execute("ALTER TABLE res_partner ADD COLUMN fr_facturx_mode varchar")
        modes = {self.customer: "pdf", self.canadian: "facturx", self.german: "company"}
        for partner, mode in modes.items():
            cr.execute(
                "UPDATE res_partner SET fr_facturx_mode = %s WHERE id = %s", (mode, partner.id)
            )
        self.company.fr_facturx_enabled = False  # plain PDFs unless the customer asked
        self._migrate()
        partners = self.env["res.partner"].with_company(self.company)
        self.assertFalse(partners.browse(self.customer.id).invoice_edi_format)
        self.assertEqual(partners.browse(self.canadian.id).invoice_edi_format, "facturx")
        # left to the company setting, which was off: still a plain PDF
        self.assertFalse(partners.browse(self.german.id).invoice_edi_format)
        self.assertFalse(partners.browse(self.private.id).invoice_edi_format)
