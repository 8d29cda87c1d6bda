# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""E-reporting (flux 10): a month of mixed sales gives the expected 10.1-10.4 content and
files (XSD + PPF schematron), reconciled to the ledger; the calendar of the scheduled action;
sending on the platform queue (Prism), rejected never counted as sent; RE corrections; who
reports (us or the platform)."""

import base64
from datetime import date
from urllib.parse import quote

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..tools import frr
from . import afnor_prism
from .test_billing_pa import BillingPaCase

NOV = date(2026, 11, 3)


@tagged("post_install", "-at_install")
class TestEreport(BillingPaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "fr_gate_mode": "off",
                "billing_ereport_regime": "quarterly",
                "billing_ereport_start_date": date(2026, 11, 1),
            }
        )
        cls.platform.billing_ereport_matricule = "0042"
        cls.canadian.company_registry = "CA123456789"
        cls.canadian.vat = False
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": "2026-11-01",
                "rate": 1.25,
                "currency_id": cls.usd.id,
                "company_id": cls.company.id,
            }
        )
        cls.intra_eu = cls._fiscal_position("intra_eu")
        cls.export = cls._fiscal_position("export")
        # a Prism of its own, with the platform's answers on a file as named examples
        # (Prefer: example=...): accepted, refused with its reasons, nothing new to poll
        refused = {
            "status": "Error",
            "details": [
                {
                    "level": "Error",
                    "item": "TransactionsReport/Transactions[1]",
                    "reasonCode": "G1.53",
                    "reasonMessage": "Le total HT diffère de la somme des sous-totaux",
                }
            ],
        }
        examples = {
            "search": {"none": afnor_prism.search_answer()},
            "metadata": {
                "ack-ok": afnor_prism.flow_answer(),
                "ack-pending": afnor_prism.flow_answer(acknowledgement={"status": "Pending"}),
                "ack-error": afnor_prism.flow_answer(acknowledgement=refused),
            },
        }
        proc, url = afnor_prism.start_prism("flow", examples=examples)
        cls.addClassCleanup(afnor_prism.stop_prism, proc)
        cls.urls = dict(cls.urls, flow=url)
        cls.platform.flow_url = url

    # helpers -----------------------------------------------------------------------------
    def _move(self, partner, lines, move_type="out_invoice", day=NOV, post=True, **values):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                    for product, quantity, price, tax in lines
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def _refund(self, invoice, day=date(2026, 11, 5)):
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
                    "date": day,
                }
            )
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_date = day
        credit_note.action_post()
        return credit_note

    def _pay(self, invoice, day, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": day, **({"amount": amount} if amount else {})})
        )
        return wizard._create_payments()

    def _report(self, kind="transactions", start=date(2026, 11, 1), end=date(2026, 11, 30)):
        return self.env["billing.fr.ereport"].create(
            {
                "company_id": self.company.id,
                "kind": kind,
                "date_start": start,
                "date_end": end,
                "deadline": date(2026, 12, 10),
            }
        )

    def _month(self):
        """A month of sales: B2C mixed, B2C in USD, intra-EU goods, export, domestic B2B and
        a B2C credit note."""
        self.mixed = self._move(
            self.private,
            [(self.goods, 1, 80.0, self.tax_20), (self.service, 1, 500.0, self.tax_10)],
        )
        self.books = self._move(
            self.private, [(self.book, 3, 19.99, self.tax_55)], day=date(2026, 11, 4)
        )
        self.dollars = self._move(
            self.private, [(self.service, 1, 125.0, self.tax_20)], currency_id=self.usd.id
        )
        self.eu = self._move(
            self.german,
            [(self.goods, 5, 80.0, self.tax_0)],
            fiscal_position_id=self.intra_eu.id,
        )
        self.ca = self._move(
            self.canadian,
            [(self.service, 2, 300.0, self.tax_0)],
            fiscal_position_id=self.export.id,
        )
        self.domestic = self._move(self.customer, [(self.goods, 1, 80.0, self.tax_20)])
        self.refund = self._refund(self.books)

    # transactions ---------------------------------------------------------------------
    def test_month_of_sales(self):
        self._month()
        report = self._report()
        report.action_prepare()
        self.assertFalse(report.problems)
        self.assertEqual(report.state, "ready")
        lines = report.reported_line_ids
        self.assertEqual(
            lines.filtered(lambda line: line.section == "10.1").move_id, self.eu | self.ca
        )
        b2c = lines.filtered(lambda line: line.section == "10.3")
        self.assertEqual(b2c.move_id, self.mixed | self.books | self.dollars | self.refund)
        # a mixed invoice: a goods part and a services part from its own lines
        mixed = b2c.filtered(lambda line: line.move_id == self.mixed)
        self.assertEqual(
            sorted((line.category, line.rate, line.base, line.tax) for line in mixed),
            [("TLB1", 20.0, 80.0, 16.0), ("TPS1", 10.0, 500.0, 50.0)],
        )
        # the USD invoice in EUR at its own rate
        dollars = b2c.filtered(lambda line: line.move_id == self.dollars)
        self.assertEqual((dollars.base, dollars.tax), (100.0, 20.0))
        # the credit note takes the books back
        refund = b2c.filtered(lambda line: line.move_id == self.refund)
        self.assertEqual(refund.base, -59.97)
        # domestic B2B left out, and why
        self.assertEqual(report.left_out_line_ids.move_id, self.domestic)
        self.assertEqual(report.left_out_line_ids.reason, "domestic_b2b")
        # reconciled to the ledger per rate, to the cent
        self.assertTrue(report.reconciliation)
        self.assertTrue(all(row["difference"] == 0 for row in report.reconciliation))
        self.assertIn("20", report.reconciliation_html)
        # the set-based rows classify as the invoice flows do (_billing_pa_processing_rule)
        rows = report._billing_ereport_move_rows(report._billing_ereport_period_where())
        self.assertEqual(len(rows), 7)
        for row in rows:
            move = self.env["account.move"].browse(row["id"])
            self.assertEqual(
                report._billing_ereport_row_section(row), move._billing_ereport_section(), move.name
            )
        # the file
        xml = base64.b64decode(report.file)
        self.assertEqual(frr.check(xml), [])
        text = xml.decode()
        self.assertIn('<CompanyId schemeId="0223">DE129273398</CompanyId>', text)
        self.assertIn('<CompanyId schemeId="0227">CA123456789</CompanyId>', text)
        self.assertIn("<CategoryCode>TLB1</CategoryCode>", text)
        self.assertIn("<CategoryCode>TPS1</CategoryCode>", text)
        self.assertNotIn(self.domestic.name, text)

    def _transactions(self, report, tag="TransactionsReport"):
        """The 10.3 aggregates (or 10.4 with ``tag="PaymentsReport"``) of a report's file,
        as plain tuples."""
        root = etree.fromstring(base64.b64decode(report.file))
        result = []
        for node in root.find(tag).findall("Transactions"):
            if tag == "PaymentsReport":
                payment = node.find("Payment")
                result.append(
                    (
                        payment.findtext("Date"),
                        [
                            (sub.findtext("TaxPercent"), sub.findtext("Amount"))
                            for sub in payment.findall("SubTotals")
                        ],
                    )
                )
                continue
            result.append(
                (
                    node.findtext("Date"),
                    node.findtext("CategoryCode"),
                    node.findtext("TaxExclusiveAmount"),
                    node.findtext("TaxTotal"),
                    node.findtext("TransactionsCount"),
                    [
                        (
                            sub.findtext("TaxPercent"),
                            sub.findtext("TaxableAmount"),
                            sub.findtext("TaxTotal"),
                        )
                        for sub in node.findall("TaxSubtotal")
                    ],
                )
            )
        return result

    def test_sales_aggregated_per_day_category_and_rate(self):
        """10.3 per day, category and rate, from the invoice lines: goods and services of
        several invoices summed, counted once per invoice; a line without tax is TNT1; a
        credit note negative on its own day; the VAT of each rate equal to the VAT booked
        (rounded on the total here), the cent of rounding on the largest line."""
        self.company.tax_calculation_rounding_method = "round_globally"
        no_tax = self.env["account.tax"]
        books = self._move(
            self.private,
            [
                (self.book, 1, 1.01, self.tax_55),
                (self.book, 1, 1.01, self.tax_55),
                (self.book, 2, 1.01, self.tax_55),
            ],
        )
        self._move(
            self.private,
            [(self.goods, 1, 80.0, self.tax_20), (self.service, 1, 500.0, self.tax_10)],
        )
        services = self._move(
            self.private,
            [(self.service, 1, 100.0, self.tax_10), (self.service, 1, 30.0, no_tax)],
            day=date(2026, 11, 4),
        )
        self._refund(services, day=date(2026, 11, 5))
        # booked on the total: 4.04 x 5.5 % = 0.22, where the lines' own VAT (0.06, 0.06,
        # 0.11) make 0.23
        self.assertEqual(books.amount_tax, 0.22)
        report = self._report()
        report.action_prepare()
        self.assertFalse(report.problems)
        self.assertEqual(
            self._transactions(report),
            [
                (
                    "20261103",
                    "TLB1",
                    "84.04",
                    "16.22",
                    "2",
                    [("5.5", "4.04", "0.22"), ("20", "80.00", "16.00")],
                ),
                ("20261103", "TPS1", "500.00", "50.00", "1", [("10", "500.00", "50.00")]),
                ("20261104", "TNT1", "30.00", "0.00", "1", [("0", "30.00", "0.00")]),
                ("20261104", "TPS1", "100.00", "10.00", "1", [("10", "100.00", "10.00")]),
                ("20261105", "TNT1", "-30.00", "0.00", "1", [("0", "-30.00", "0.00")]),
                ("20261105", "TPS1", "-100.00", "-10.00", "1", [("10", "-100.00", "-10.00")]),
            ],
        )
        # line by line: the cent on the largest line (2.02), the others at their own VAT
        lines = report.reported_line_ids.filtered(lambda line: line.move_id == books)
        self.assertEqual(
            sorted((line.base, line.tax) for line in lines),
            [(1.01, 0.06), (1.01, 0.06), (2.02, 0.10)],
        )
        self.assertEqual(
            {(line.category, line.vat_category, line.rate) for line in lines},
            {("TLB1", "S", 5.5)},
        )
        untaxed = report.reported_line_ids.filtered(lambda line: not line.move_line_id.tax_ids)
        self.assertEqual(
            sorted((line.category, line.vat_category, line.rate, line.base) for line in untaxed),
            [("TNT1", "E", 0.0, -30.0), ("TNT1", "E", 0.0, 30.0)],
        )
        self.assertEqual(
            [(row["rate"], row["report"], row["ledger"]) for row in report.reconciliation],
            [(0.0, 0.0, 0.0), (5.5, 0.22, 0.22), (10.0, 50.0, 50.0), (20.0, 16.0, 16.0)],
        )
        # nothing changed since: no correction to make
        self.assertFalse(report._billing_ereport_changed())
        self._move(self.private, [(self.goods, 1, 10.0, self.tax_20)], day=date(2026, 11, 6))
        self.assertTrue(report._billing_ereport_changed())

    def test_rate_the_platform_refuses_names_the_sale(self):
        tax_15 = self.tax_20.copy({"name": "TVA 15 %", "amount": 15.0})
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        odd = self._move(self.private, [(self.goods, 1, 100.0, tax_15)])
        report = self._report()
        report.action_prepare()
        self.assertEqual(report.state, "to_prepare")
        self.assertIn(odd.name, report.problems)
        self.assertIn("G1.24", report.problems)
        self.assertNotIn(odd, report.line_ids.move_id)
        self.assertFalse(report.file)

    def test_credit_note_of_foreign_sale_carries_its_invoice(self):
        eu = self._move(
            self.german, [(self.goods, 5, 80.0, self.tax_0)], fiscal_position_id=self.intra_eu.id
        )
        refund = self._refund(eu)
        report = self._report()
        report.action_prepare()
        self.assertFalse(report.problems)
        text = base64.b64decode(report.file).decode()
        self.assertIn("<TypeCode>381</TypeCode>", text)
        self.assertIn("<ReferencedDocument>\n        <ID>%s</ID>" % eu.name, text)
        self.assertIn(refund.name, text)

    def test_credit_note_without_origin_blocks(self):
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        orphan = self._move(
            self.private, [(self.goods, 1, 80.0, self.tax_20)], move_type="out_refund"
        )
        report = self._report()
        report.action_prepare()
        self.assertEqual(report.state, "to_prepare")
        self.assertIn(orphan.name, report.problems)
        self.assertIn("G1.32", report.problems)
        self.assertFalse(report.file)
        with self.assertRaises(UserError):
            report.action_send()

        # fixed from the report: its blocking line takes the invoice it corrects
        line = report.left_out_line_ids
        self.assertEqual((line.move_id, line.reason), (orphan, "no_origin"))
        other = self._move(self.customer, [(self.goods, 1, 80.0, self.tax_20)])
        with self.assertRaisesRegex(UserError, "Corrected Invoice"), Form(report) as form:
            with form.left_out_line_ids.edit(0) as row:
                row.origin_invoice_id = other  # another customer's: refused, nothing written
        self.assertFalse(orphan.reversed_entry_id)
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.private.id), ("move_type", "=", "out_invoice")]
        )
        with Form(report) as form:
            with form.left_out_line_ids.edit(0) as row:
                row.origin_invoice_id = invoice
        self.assertEqual(orphan.reversed_entry_id, invoice)
        report.action_prepare()
        self.assertFalse(report.problems)
        self.assertEqual(report.state, "ready")
        self.assertIn(orphan, report.reported_line_ids.move_id)
        self.assertTrue(report.file)

    def test_ledger_mismatch_names_the_move(self):
        invoice = self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)], post=False)
        # a tax line booked at 10 % without any line at 10 %
        invoice.line_ids.filtered("tax_line_id").tax_line_id = self.tax_10
        invoice.action_post()
        report = self._report()
        report.action_prepare()
        self.assertIn(invoice.name, report.problems)
        self.assertEqual(report.state, "to_prepare")

    def test_company_without_regime_or_siren(self):
        self.company.billing_ereport_regime = False
        report = self._report()
        report.action_prepare()
        self.assertIn("VAT regime", report.problems)

    # payments --------------------------------------------------------------------------
    def test_payments_and_undone_payment(self):
        service = self._move(self.private, [(self.service, 2, 500.0, self.tax_10)])
        goods = self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        eu = self._move(
            self.german,
            [(self.service, 1, 400.0, self.tax_20)],
        )
        payment = self._pay(service, date(2026, 11, 10), amount=550.0)
        self._pay(goods, date(2026, 11, 10))  # goods: VAT due on delivery, not reported
        self._pay(eu, date(2026, 11, 12))
        report = self._report("payments")
        report.action_prepare()
        self.assertFalse(report.problems)
        lines = report.reported_line_ids
        self.assertEqual(
            sorted((line.section, line.move_id.id, line.rate, line.amount) for line in lines),
            sorted([("10.4", service.id, 10.0, 550.0), ("10.2", eu.id, 20.0, 480.0)]),
        )
        xml = base64.b64decode(report.file)
        self.assertEqual(frr.check(xml), [])
        self.assertIn(b"<PaymentsReport>", xml)
        # sent, then the payment is taken off: the next report carries the opposite amount
        report.state = "sent"
        payment.move_id.line_ids.remove_move_reconcile()
        december = self._report("payments", date(2026, 12, 1), date(2026, 12, 31))
        december.action_prepare()
        self.assertEqual(december.reported_line_ids.mapped("amount"), [-550.0])
        self.assertFalse(december.problems)
        # the known rule bug G1.16 on negative amounts (France_RFE #60) is tolerated, shown
        self.assertIn("G1.16", december.tolerated)

    def test_payments_summed_per_day_and_rate(self):
        """10.4 per payment day and rate: the parts of the payments due on receipt (the
        services' share, tax included) of several invoices summed."""
        services = self._move(self.private, [(self.service, 2, 500.0, self.tax_10)])
        mixed = self._move(
            self.private,
            [(self.service, 1, 200.0, self.tax_20), (self.goods, 1, 80.0, self.tax_20)],
        )
        self._pay(services, date(2026, 11, 10))
        self._pay(mixed, date(2026, 11, 10), amount=168.0)  # half: 120 of services
        self._pay(mixed, date(2026, 11, 12), amount=168.0)
        report = self._report("payments")
        report.action_prepare()
        self.assertFalse(report.problems)
        self.assertEqual(
            self._transactions(report, "PaymentsReport"),
            [
                ("20261110", [("10", "1100.00"), ("20", "120.00")]),
                ("20261112", [("20", "120.00")]),
            ],
        )
        # each payment split by the 212's own computation
        for line in report.reported_line_ids:
            move = line.move_id
            amounts = move._billing_pa_received_amounts(line.partial_id.amount)
            self.assertIn((line.rate, line.amount), [(a["rate"], a["amount"]) for a in amounts])

    # sending ---------------------------------------------------------------------------
    def test_send_through_the_queue(self):
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        report = self._report()
        report.action_prepare()
        report.action_send()
        flow = report.flow_ids
        self.assertEqual(
            (flow.flow_type, flow.flow_syntax, flow.processing_rule),
            ("ereport", "FRR", "NotApplicable"),
        )
        self.assertEqual(report.state, "ready")  # queued, not sent yet
        self._send_queue()
        self.assertEqual(flow.state, "sent")
        self.assertEqual(report.state, "sent")
        self.assertEqual([e[1] for e in self.session.log], ["/v1/flows"])
        # sending again queues nothing more
        with self.assertRaises(UserError):
            report.action_send()

    def test_rejected_is_never_sent(self):
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        report = self._report()
        report.action_prepare()
        report.action_send()
        self.session.prefer.append("code=422, dynamic=false")
        self._send_queue()
        self.assertEqual(report.state, "rejected")
        self.assertTrue(report.platform_message)
        self.assertFalse(
            self.env["billing.fr.ereport"].search_count(
                [("id", "=", report.id), ("state", "in", ("sent", "accepted"))]
            )
        )

    def _poll(self, *answers):
        """The platforms' poll cron, the platform answering ``answers`` in turn."""
        self.session.log.clear()
        self.session.prefer.extend("example=%s" % name for name in answers)
        self.env.ref("billing_fr_compliance.ir_cron_billing_pa_poll").method_direct_trigger()
        self.assertFalse(self.session.prefer, "every answer prepared was asked for")
        return [(method, path) for method, path, __, __ in self.session.log]

    def _sent_report(self):
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        report = self._report()
        report.action_prepare()
        report.action_send()
        self._send_queue()
        self.assertEqual(report.state, "sent")
        return report

    def test_platform_accepts_the_report(self):
        report = self._sent_report()
        flow = report.flow_ids
        asked = ("GET", "/v1/flows/%s" % quote(flow.platform_flow_id, safe=""))
        # not integrated yet: it stays sent, asked again at the next poll
        self.assertIn(asked, self._poll("none", "ack-pending"))
        self.assertEqual(report.state, "sent")
        self.assertIn(asked, self._poll("none", "ack-ok"))
        self.assertEqual(report.state, "accepted")
        self.assertIn("accepted", report.message_ids[:1].body)
        # answered: never asked again
        self.assertNotIn(asked, self._poll("none"))

    def test_platform_refuses_the_report_with_its_reasons(self):
        report = self._sent_report()
        flow = report.flow_ids
        self._poll("none", "ack-error")
        self.assertEqual(report.state, "rejected")
        # the reasons in words, with the rule and the item
        self.assertIn("Le total HT diffère de la somme des sous-totaux", report.platform_message)
        self.assertIn("G1.53", report.platform_message)
        self.assertIn("G1.53", report.message_ids[:1].body)
        # never counted as sent: the flow is in error, no report of the period is sent
        self.assertEqual(flow.state, "error")
        self.assertFalse(
            self.env["billing.fr.ereport"].search_count(
                [("id", "=", report.id), ("state", "in", ("sent", "accepted"))]
            )
        )
        # fixed, prepared again and sent in a new flow
        report.action_prepare()
        report.action_send()
        self._send_queue()
        self.assertEqual(len(report.flow_ids), 2)
        self.assertEqual(report.state, "sent")

    def test_refused_correction_leaves_the_report_it_replaced(self):
        report = self._sent_report()
        self._move(self.private, [(self.service, 1, 500.0, self.tax_10)], day=date(2026, 11, 20))
        correction = report._billing_ereport_rectificative()
        correction.action_send()
        self._send_queue()
        self.assertEqual((correction.state, report.state), ("sent", "corrected"))
        self._poll("none", "ack-error")
        self.assertEqual((correction.state, report.state), ("rejected", "sent"))

    def test_only_a_manager_sends(self):
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        report = self._report()
        report.action_prepare()
        user = self.env["res.users"].create(
            {
                "name": "Comptable",
                "login": "ereport-user",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set(self.env.ref("account.group_account_invoice").ids)],
            }
        )
        with self.assertRaises(UserError):
            report.with_user(user).action_send()

    # who reports -----------------------------------------------------------------------
    def test_we_report_b2c_is_not_an_invoice_flow(self):
        invoice = self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        self.assertFalse(invoice.billing_pa_flow_id)
        domestic = self._move(self.customer, [(self.goods, 1, 80.0, self.tax_20)])
        self.assertEqual(domestic.billing_pa_flow_id.processing_rule, "B2B")

    def test_platform_extracts_no_frr(self):
        self.platform.billing_ereport_reporter = "platform"
        invoice = self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        eu = self._move(
            self.german, [(self.goods, 5, 80.0, self.tax_0)], fiscal_position_id=self.intra_eu.id
        )
        self.assertEqual(invoice.billing_pa_flow_id.processing_rule, "B2C")
        self.assertEqual(eu.billing_pa_flow_id.processing_rule, "B2BInt")
        report = self._report()
        report.action_prepare()
        self.assertIn("reports these sales itself", report.problems)
        self.assertFalse(report.file)
        with freeze_time("2026-12-15"):
            self.env["billing.fr.ereport"]._cron_billing_ereport()
        self.assertFalse(self.env["billing.pa.flow"].search([("flow_type", "=", "ereport")]))

    # calendar, scheduled action, corrections -------------------------------------------
    def test_cron_prepares_decades_and_sends_nothing_by_itself(self):
        self.company.billing_ereport_regime = "monthly"
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        with freeze_time("2026-11-25"):
            self.env["billing.fr.ereport"]._cron_billing_ereport()
        reports = self.env["billing.fr.ereport"].search(
            [("company_id", "=", self.company.id)], order="kind, date_start"
        )
        self.assertEqual(
            [
                (r.kind, str(r.date_start), str(r.date_end), str(r.deadline), r.state)
                for r in reports
            ],
            [
                ("transactions", "2026-11-01", "2026-11-10", "2026-11-20", "ready"),
                ("transactions", "2026-11-11", "2026-11-20", "2026-11-30", "ready"),
            ],
        )
        self.assertFalse(reports.flow_ids)  # the first-week principle: a manager releases
        # a platform in automatic mode: sent from N days before the deadline
        self.platform.billing_ereport_auto_send = True
        with freeze_time("2026-11-26"):
            self.env["billing.fr.ereport"]._cron_billing_ereport()
        self.assertEqual(reports.mapped(lambda r: bool(r.flow_ids)), [True, False])

    def test_late_invoice_gives_a_rectificative_report(self):
        self._move(self.private, [(self.goods, 1, 80.0, self.tax_20)])
        report = self._report()
        report.action_prepare()
        report.action_send()
        self._send_queue()
        self.assertEqual(report.state, "sent")
        late = self._move(
            self.private, [(self.service, 1, 500.0, self.tax_10)], day=date(2026, 11, 20)
        )
        with freeze_time("2026-12-05"):
            self.env["billing.fr.ereport"]._cron_billing_ereport()
        correction = self.env["billing.fr.ereport"].search([("corrected_id", "=", report.id)])
        self.assertEqual(correction.type_code, "RE")
        self.assertEqual(correction.state, "ready")
        # RE replaces the period: the first invoice and the late one
        self.assertEqual(len(correction.reported_line_ids.move_id), 2)
        self.assertIn(late, correction.reported_line_ids.move_id)
        text = base64.b64decode(correction.file).decode()
        self.assertIn("<TypeCode>RE</TypeCode>", text)
        self.assertNotIn("<TypeCode>CO</TypeCode>", text)
        correction.action_send()
        self._send_queue()
        self.assertEqual((correction.state, report.state), ("sent", "corrected"))

    def test_old_periods_are_not_checked_daily(self):
        report = self._sent_report()
        self._move(self.private, [(self.service, 1, 500.0, self.tax_10)], day=date(2026, 11, 20))
        Report = self.env["billing.fr.ereport"]
        # deadline 10 December + 90 days: on 1 April the period is no longer checked
        with freeze_time("2027-04-01"):
            self.assertNotIn(report, Report._billing_ereport_to_check(self.company, date.today()))
            Report._cron_billing_ereport()
        self.assertFalse(Report.search([("corrected_id", "=", report.id)]))
        self.company.billing_ereport_check_days = 365
        with freeze_time("2027-04-01"):
            self.assertIn(report, Report._billing_ereport_to_check(self.company, date.today()))

    def test_non_french_company_never_gets_a_report(self):
        other = self.env["res.company"].create(
            {
                "name": "Belgian SA",
                "country_id": self.env.ref("base.be").id,
                "billing_ereport_regime": "monthly",
            }
        )
        with freeze_time("2026-12-15"):
            self.env["billing.fr.ereport"]._cron_billing_ereport()
        self.assertFalse(self.env["billing.fr.ereport"].search([("company_id", "=", other.id)]))

    def test_settings_show_the_regime(self):
        settings = Form(self.env["res.config.settings"])
        settings.billing_ereport_regime = "simplified"
        settings.save().execute()
        self.assertEqual(self.company.billing_ereport_regime, "simplified")
        menu = self.env.ref("billing_fr_compliance.billing_fr_ereport_menu")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_reports"))
