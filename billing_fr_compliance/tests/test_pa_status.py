# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import os

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..tools import cdar
from .afnor_prism import prism_urls
from .common import BillingFrCommon
from .shared_data import CDAR_EXAMPLES, require


class BillingPaStatusCommon(BillingFrCommon):
    """A posted French invoice and CDARs about it, as the platform would send them.

    With ``with_platform``, the company has a platform (the seller's own statuses are only
    for invoices that went through one): posting queues the invoice flow, no HTTP call."""

    with_platform = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.platform = cls.env["billing.pa.platform"]
        if cls.with_platform:
            # the local platform of the PA tests (Prism); these tests only queue, so without
            # Prism an address nothing listens on does as well
            urls = prism_urls() or {
                "flow": "http://127.0.0.1:9/flow",
                "directory": "http://127.0.0.1:9/directory",
            }
            cls.platform = cls.platform.create(
                {
                    "name": "PA test",
                    "company_id": cls.company.id,
                    "flow_url": urls["flow"],
                    "directory_url": urls["directory"],
                    "bearer_token": "token-of-the-tests",
                    "state": "ok",  # in service, as after its connection test
                }
            )
        cls.invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=cls.invoice_date,
            products=cls.service,
            post=True,
        )
        cls.Move = cls.env["account.move"]

    def _cdar(self, code, invoice=None, when=None, **values):
        """A CDAR about ``invoice`` as the platform delivers it: the transmission statuses set
        by the platform (WK), the processing ones by the buyer (BY), 212 by the seller."""
        invoice = invoice or self.invoice
        when = when or datetime.datetime(2026, 3, 11, 9, 0, 0)
        seller = {
            "ids": {"0002": invoice.company_id.siren},
            "name": invoice.company_id.name,
            "role": "SE",
        }
        buyer = {
            "ids": {"0002": invoice.commercial_partner_id.siren},
            "name": invoice.commercial_partner_id.name,
            "role": "BY",
            "uri": invoice.commercial_partner_id.siren,
        }
        if code in cdar.TRANSMISSION:
            issuer = {"name": "PA", "role": "WK"}
            recipients = [dict(seller, uri=invoice.company_id.siren)]
        elif code == "212":
            issuer, recipients = seller, [buyer]
        else:
            issuer, recipients = buyer, [dict(seller, uri=invoice.company_id.siren)]
        data = {
            "document_id": f"{invoice.name}_{code}_{when:%Y%m%d%H%M%S}",
            "issue_datetime": when,
            "status_datetime": when,
            "sender_role": "WK",
            "issuer": issuer,
            "recipients": recipients,
            "invoice_number": invoice.name,
            "invoice_type": "380",
            "invoice_date": invoice.invoice_date,
            "seller_siren": invoice.company_id.siren,
            "code": code,
        }
        data.update(values)
        xml = cdar.build(data)
        self.assertEqual(cdar.check(xml), [], "the test CDAR itself must be valid")
        return xml

    def _official(self, name, invoice=None):
        """An official example CDAR, re-addressed to our invoice: its number, seller SIREN and
        date replaced by ours; nothing else changed. The examples are read from
        ../shared/data: the test is skipped, saying so, where they are absent."""
        invoice = invoice or self.invoice
        with open(os.path.join(require(*CDAR_EXAMPLES), name), "rb") as handle:
            xml = handle.read()
        number = name.split("_")[1].encode()
        return (
            xml.replace(b">" + number + b"<", b">" + invoice.name.encode() + b"<")
            .replace(b">100000009<", b">" + invoice.company_id.siren.encode() + b"<")
            .replace(
                b'format="102">20250701<',
                b'format="102">' + invoice.invoice_date.strftime("%Y%m%d").encode() + b"<",
            )
        )


@tagged("post_install", "-at_install")
class TestPaStatusIn(BillingPaStatusCommon):
    def test_200_then_207_then_212_recorded(self):
        day = datetime.datetime(2026, 3, 11, 9, 0, 0)
        deposited = self.Move._billing_pa_record_cdar(
            self._cdar("200", when=day), flow_id="flow-200"
        )
        self.assertEqual(deposited.move_id, self.invoice)
        self.assertEqual(self.invoice.billing_pa_status_code, "200")
        disputed = self.Move._billing_pa_record_cdar(
            self._cdar(
                "207",
                when=day + datetime.timedelta(days=2),
                reason_code="QTE_ERR",
                reason="Quantité livrée : 8 jours, pas 10",
                action_code="CNP",
            ),
            flow_id="flow-207",
        )
        self.assertEqual(self.invoice.billing_pa_status_code, "207")
        self.assertEqual(self.invoice.billing_pa_status_label, "207 Disputed")
        self.assertEqual(disputed.reason_code, "QTE_ERR")
        self.assertEqual(disputed.reason, "Quantité livrée : 8 jours, pas 10")
        self.assertEqual(disputed.action_code, "CNP")
        self.assertEqual((disputed.emitter_role, disputed.emitter_role_label), ("BY", "Buyer"))
        self.assertEqual(disputed.emitter_identifier, self.customer.siren)
        self.assertEqual(disputed.platform_flow_id, "flow-207")
        self.assertIn(
            self.invoice, self.Move.search([("billing_pa_status_code", "in", ("207", "208"))])
        )
        cashed = self.Move._billing_pa_record_cdar(
            self._cdar(
                "212",
                when=day + datetime.timedelta(days=10),
                amounts=[{"rate": 10.0, "amount": 550.0, "currency": "EUR"}],
            )
        )
        self.assertEqual(self.invoice.billing_pa_status_code, "212")
        self.assertEqual(self.invoice.billing_pa_status_date, day + datetime.timedelta(days=10))
        self.assertEqual(cashed.amounts_text, "10 %: 550.00 EUR")
        self.invoice.invalidate_recordset(["billing_pa_status_ids"])
        statuses = self.invoice.billing_pa_status_ids
        self.assertEqual(statuses.mapped("code"), ["212", "207", "200"])
        self.assertTrue(all(s.direction == "in" and not s.validation_errors for s in statuses))
        # each status has its CDAR file on the invoice and one chatter message
        for status in statuses:
            self.assertEqual(status.attachment_id.res_model, "account.move")
            self.assertEqual(status.attachment_id.res_id, self.invoice.id)
            self.assertTrue(status.attachment_id.raw.startswith(b"<?xml"))
        bodies = self.invoice.message_ids.mapped("body")
        self.assertEqual(len([b for b in bodies if "Platform status:" in b]), 3)
        self.assertTrue(any("QTE_ERR" in b and "8 jours" in b for b in bodies))
        # the invoice form shows them: current status and the tab
        form = Form(self.invoice)
        self.assertEqual(form.billing_pa_status_label, "212 Payment received")
        self.assertEqual(len(form.billing_pa_status_ids), 3)

    def test_same_cdar_twice_records_nothing_new(self):
        xml = self._cdar("200")
        first = self.Move._billing_pa_record_cdar(xml, flow_id="f1")
        again = self.Move._billing_pa_record_cdar(xml, flow_id="f1")
        self.assertEqual(len(first), 1)
        self.assertFalse(again)
        self.assertEqual(len(self.invoice.billing_pa_status_ids), 1)
        self.assertEqual(
            self.env["ir.attachment"].search_count([("name", "=like", "CDAR-200-%")]), 1
        )

    def test_213_rejected_with_its_reason_shown(self):
        """The official example of a rejection (duplicate invoice), about our invoice."""
        xml = self._official("UC2_F202500004_02-CDV-213_Rejetee.xml")
        rejected = self.Move._billing_pa_record_cdar(xml, flow_id="flow-213")
        self.assertEqual(rejected.move_id, self.invoice)
        self.assertEqual(rejected.code, "213")
        self.assertEqual(rejected.label, "Rejected")
        self.assertEqual(rejected.reason_code, "DOUBLON")
        self.assertIn("Facture en doublon", rejected.reason)
        self.assertIn("Facture identique reçue sur une autre adresse", rejected.reason)
        self.assertEqual(rejected.emitter_role_label, "Platform")
        self.assertFalse(rejected.validation_errors)
        self.assertEqual(self.invoice.billing_pa_status_label, "213 Rejected")
        message = self.invoice.message_ids.filtered(lambda m: "Platform status:" in m.body)
        self.assertIn("DOUBLON", message.body)
        self.assertIn("Facture en doublon", message.body)
        self.assertEqual(message.attachment_ids, rejected.attachment_id)
        refused_filter = [("billing_pa_status_code", "in", ("210", "213", "501"))]
        self.assertIn(self.invoice, self.Move.search(refused_filter))
        # the top of the invoice says it, with the reason in words and what is asked
        self.assertEqual(rejected.reason_label, "Facture en doublon")
        alert = self.invoice.billing_pa_status_alert
        self.assertEqual(
            alert.splitlines()[:2],
            [
                "The e-invoicing platform reports 213 Rejected.",
                "Reason: Facture en doublon (DOUBLON)",
            ],
        )
        # then the platform's own words, as they came
        self.assertIn("\nFacture en doublon (déjà émise / réçue)", alert)
        self.assertIn("Facture identique reçue sur une autre adresse", alert)

    def test_alert_only_while_a_status_asks_for_something(self):
        self.Move._billing_pa_record_cdar(self._cdar("200"))
        self.assertEqual(self.invoice.billing_pa_status_code, "200")
        self.assertFalse(self.invoice.billing_pa_status_alert)
        self.Move._billing_pa_record_cdar(
            self._cdar(
                "207",
                when=datetime.datetime(2026, 3, 12, 9, 0, 0),
                reason_code="QTE_ERR",
                action_code="PIN",
            )
        )
        self.invoice.invalidate_recordset(["billing_pa_status_alert"])
        self.assertEqual(
            self.invoice.billing_pa_status_alert.splitlines(),
            [
                "The e-invoicing platform reports 207 Disputed.",
                "Reason: Quantité erronée (QTE_ERR)",
                "Requested action: Fournir des informations",
            ],
        )
        self.Move._billing_pa_record_cdar(
            self._cdar("205", when=datetime.datetime(2026, 3, 13, 9, 0, 0))
        )
        self.invoice.invalidate_recordset(["billing_pa_status_alert"])
        self.assertFalse(self.invoice.billing_pa_status_alert)

    def test_status_never_goes_back_to_an_earlier_phase(self):
        """XP Z12-012's order of phases decides the current status, not the dates: a 202
        Reçue dated after a 205 Approuvée (a platform's late acknowledgment) is recorded but
        does not become current, whichever arrives first."""
        day = datetime.datetime(2026, 3, 11, 9, 0, 0)
        self.Move._billing_pa_record_cdar(self._cdar("205", when=day + datetime.timedelta(1)))
        received = self.Move._billing_pa_record_cdar(
            self._cdar("202", when=day + datetime.timedelta(2))
        )
        self.assertEqual(received.move_id, self.invoice)
        self.assertEqual(self.invoice.billing_pa_status_code, "205")
        self.assertEqual(self.invoice.billing_pa_status_label, "205 Approved")
        self.assertEqual(self.invoice.billing_pa_status_date, day + datetime.timedelta(1))
        # the other way round (the 202 arrives first, the 205 dated before it after it)
        other = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.invoice_date,
            products=self.service,
            post=True,
        )
        self.Move._billing_pa_record_cdar(
            self._cdar("202", invoice=other, when=day + datetime.timedelta(2))
        )
        self.assertEqual(other.billing_pa_status_code, "202")
        self.Move._billing_pa_record_cdar(
            self._cdar("205", invoice=other, when=day + datetime.timedelta(1))
        )
        self.assertEqual(other.billing_pa_status_code, "205")
        # within a phase the latest date wins: disputed, then approved
        self.Move._billing_pa_record_cdar(
            self._cdar(
                "207", invoice=other, when=day + datetime.timedelta(3), reason_code="QTE_ERR"
            )
        )
        self.assertEqual(other.billing_pa_status_code, "207")
        # a refusal ends the cycle: nothing of an earlier phase replaces it
        self.Move._billing_pa_record_cdar(
            self._cdar(
                "210", invoice=other, when=day + datetime.timedelta(4), reason_code="DOUBLON"
            )
        )
        self.Move._billing_pa_record_cdar(
            self._cdar("205", invoice=other, when=day + datetime.timedelta(5))
        )
        self.assertEqual(other.billing_pa_status_code, "210")
        self.assertIn("210 Refused", other.billing_pa_status_alert)

    def test_unknown_code_kept_and_shown(self):
        xml = self._cdar("212", amounts=[{"rate": 10.0, "amount": 1.0, "currency": "EUR"}])
        xml = xml.replace(b">212<", b">299<").replace("Encaissée".encode(), b"Affacturee")
        status = self.Move._billing_pa_record_cdar(xml)
        self.assertEqual(status.code, "299")
        self.assertFalse(status.known)
        self.assertEqual(status.label, "Affacturee")
        self.assertEqual(self.invoice.billing_pa_status_code, "299")
        self.assertEqual(self.invoice.billing_pa_status_label, "299 Affacturee")
        # V1.4.0 leaves its closed list of status codes (BR-FR-CDV-CL-06) as a warning
        self.assertFalse(status.validation_errors)
        message = self.invoice.message_ids.filtered(lambda m: "Platform status:" in m.body)
        self.assertIn("299 Affacturee", message.body)

    def test_official_examples_of_a_whole_cycle(self):
        for name in (
            "UC1_F202500003_01-CDV-200_Deposee.xml",
            "UC1_F202500003_02-CDV-202_Recue.xml",
            "UC1_F202500003_03-CDV-203_Mise_a_disposition.xml",
            "UC1_F202500003_04-CDV-204_Prise_en_charge.xml",
            "UC1_F202500003_05-CDV-205_Approuvee.xml",
            "UC1_F202500003_06-CDV-211_Paiement_transmis.xml",
        ):
            self.Move._billing_pa_record_cdar(self._official(name))
        self.invoice.invalidate_recordset(["billing_pa_status_ids"])
        self.assertEqual(
            self.invoice.billing_pa_status_ids.mapped("code"),
            ["211", "205", "204", "203", "202", "200"],
        )
        self.assertEqual(self.invoice.billing_pa_status_code, "211")
        # V1.2 example, V1.4 rules: the 211 lacks its SequenceNumeric, recorded all the same
        paid = self.invoice.billing_pa_status_ids[0]
        self.assertIn("BR-FR-CDV-16", paid.validation_errors)

    def test_invoice_not_found_is_kept_without_invoice(self):
        other = self.invoice.copy({"invoice_date": self.invoice_date})
        xml = self._cdar("200", invoice=other)  # a draft: not a posted invoice
        status = self.Move._billing_pa_record_cdar(xml)
        self.assertFalse(status.move_id)
        self.assertEqual(status.company_id, self.company)
        self.assertEqual(status.attachment_id.res_model, "billing.pa.status")
        self.assertFalse(self.invoice.billing_pa_status_ids)
        # a seller SIREN that is not ours matches nothing either
        xml = self._cdar("200", seller_siren="732829320")
        self.assertFalse(self.Move._billing_pa_record_cdar(xml).move_id)

    def test_not_a_cdar(self):
        with self.assertRaisesRegex(UserError, "could not be read.*not XML"):
            self.Move._billing_pa_record_cdar(b"<<<", flow_id="broken")
        self.assertFalse(self.env["billing.pa.status"].search([]))

    def test_billing_user_reads_statuses_of_own_company_only(self):
        self.Move._billing_pa_record_cdar(self._cdar("200"))
        other_company = self.setup_other_company()["company"]
        self.env["billing.pa.status"].create(
            {"company_id": other_company.id, "code": "200", "cdar_key": "other"}
        )
        user = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "clerk_pa",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, self.env.ref("account.group_account_invoice").ids)],
            }
        )
        visible = self.env["billing.pa.status"].with_user(user).search([])
        self.assertEqual(visible.company_id, self.company)
        self.assertEqual(visible.move_id, self.invoice)

    def test_only_the_companies_of_the_call_are_searched(self):
        """A status is matched within the platform's company (here: the companies the
        caller works in), never on another company's invoice of the same number."""
        other = self.setup_other_company()["company"]
        xml = self._cdar("200")
        status = self.Move.with_company(other)._billing_pa_record_cdar(xml)
        self.assertFalse(status.move_id)
        self.assertEqual(status.company_id, other)
        self.assertFalse(self.invoice.billing_pa_status_ids)
        # the same message for the invoice's company: recorded there (another key)
        found = self.Move.with_company(self.company)._billing_pa_record_cdar(xml)
        self.assertEqual(found.move_id, self.invoice)
