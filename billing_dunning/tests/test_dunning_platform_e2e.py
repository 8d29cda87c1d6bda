# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end with the three addons: a French invoice sent to the platform, its lifecycle
statuses recorded as the poller records them, and the reminders they steer."""

import datetime
import unittest
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningPlatformEndToEnd(DunningCommon):
    """billing_dunning does not depend on billing_fr_compliance: skipped without it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "billing.pa.platform" not in cls.env:
            raise unittest.SkipTest(
                "billing_fr_compliance is not installed: no e-invoicing platform to send to "
                "(tests/run installs the three addons)"
            )
        # imported only now: billing_fr_compliance is an optional neighbour of this addon
        from odoo.addons.billing_fr_compliance.tests import afnor_prism

        cls.afnor_prism = afnor_prism
        cls.urls = afnor_prism.prism_urls()
        if not cls.urls:
            raise unittest.SkipTest(afnor_prism.NOT_INSTALLED)
        cls.env["ir.config_parameter"].sudo().set_param(
            "billing_fr_compliance.pa_use_queue_job", "0"
        )
        fr = cls.env.ref("base.fr")
        cls.company.write(
            {
                "name": "Atelier Dupont SAS",
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "country_id": fr.id,
                "phone": "+33 4 72 00 00 00",
                "siren": "820419653",
                "siret": "82041965300010",
                "vat": "FR80820419653",
                "fr_legal_form": "SAS",
                "fr_share_capital": 50000,
                "fr_rcs_kind": "rcs",
                "fr_rcs_city": "Lyon",
            }
        )
        cls.b2b.write(
            {
                "street": "4 avenue Jean Jaurès",
                "zip": "75019",
                "city": "Paris",
                "country_id": fr.id,
                "siren": "552081317",
                "vat": "FR03552081317",
            }
        )
        cls.platform = cls.env["billing.pa.platform"].create(
            {
                "name": "PA test",
                "company_id": cls.company.id,
                "flow_url": cls.urls["flow"],
                "directory_url": cls.urls["directory"],
                "bearer_token": "token-of-the-tests",
            }
        )
        tax = cls.env["account.chart.template"].with_company(cls.company).ref("tva_normale")
        tax.active = True
        service = cls.env["product.product"].create(
            {"name": "Rénovation", "type": "service", "taxes_id": [Command.set(tax.ids)]}
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.b2b.id,
                "invoice_date": day(-30),
                "invoice_date_due": DUE,
                "invoice_line_ids": [
                    Command.create({"product_id": service.id, "quantity": 2, "price_unit": 500.0})
                ],
            }
        )
        cls.invoice.action_post()
        cls.send_cron = cls.env.ref("billing_fr_compliance.ir_cron_billing_pa_send")
        cls.followup = cls.env["billing.dunning.followup"]._get_or_create(cls.b2b, cls.company)

    def setUp(self):
        super().setUp()
        # every request we send and every answer we read is checked against the AFNOR
        # OpenAPI files (openapi-core) on top of Prism's own checks
        self.session = self.afnor_prism.ValidatingSession(self.urls)
        patcher = patch.object(
            type(self.env["billing.pa.platform"]),
            "_billing_pa_session",
            lambda platform: self.session,
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def _platform_cdar(self, code, offset, **values):
        """The CDAR of status ``code`` about the invoice, set ``offset`` days after DUE, as
        the platform delivers it: transmission statuses by the platform (WK), processing
        ones by the buyer (BY), 212 by the seller; built with tools/cdar.py and checked
        (XSD and BR-FR-CDV) like the platform's own."""
        from odoo.addons.billing_fr_compliance.tools import cdar

        invoice = self.invoice
        when = datetime.datetime.combine(day(offset), datetime.time(9, 0))
        seller = {"ids": {"0002": self.company.siren}, "name": self.company.name, "role": "SE"}
        buyer = {
            "ids": {"0002": self.b2b.siren},
            "name": self.b2b.name,
            "role": "BY",
            "uri": self.b2b.siren,
        }
        to_seller = [dict(seller, uri=self.company.siren)]
        if code in cdar.TRANSMISSION:
            issuer, recipients = {"name": "PA", "role": "WK"}, to_seller
        elif code == "212":
            issuer, recipients = seller, [buyer]
        else:
            issuer, recipients = buyer, to_seller
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
            "seller_siren": self.company.siren,
            "code": code,
        }
        data.update(values)
        xml = cdar.build(data)
        self.assertEqual(cdar.check(xml), [], "the platform's CDAR must be valid")
        return xml

    def _poller_records(self, code, offset, **values):
        """What the poller does with a lifecycle flow it downloaded. Prism cannot serve a
        CDAR file (it answers GET /v1/flows/{flowId} with bytes generated from the schema,
        not a CDAR), so the download is the one step done here: the CDAR is built as the
        platform would send it and handed to the same method, with the platform."""
        return self.env["account.move"]._billing_pa_record_cdar(
            self._platform_cdar(code, offset, **values),
            platform=self.platform,
            flow_id=f"flow-{code}",
        )

    def test_sent_disputed_then_cashed(self):
        invoice = self.invoice
        # posted: queued for the platform, then sent by the real send cron
        self.assertEqual(invoice.billing_pa_send_state, "to_send")
        self.send_cron.method_direct_trigger()
        self.assertEqual(invoice.billing_pa_send_state, "sent")
        self.assertEqual([e[:3] for e in self.session.log], [("POST", "/v1/flows", 202)])
        self.assertTrue(invoice.billing_pa_platform_flow_id)

        # 200 Déposée, then the buyer disputes it: 207 En litige with a reason
        deposited = self._poller_records("200", 1)
        self.assertEqual(deposited.move_id, invoice)
        disputed = self._poller_records(
            "207", 3, reason_code="QTE_ERR", reason="8 jours réalisés, pas 10"
        )
        self.assertEqual((disputed.move_id, disputed.platform_flow_id), (invoice, "flow-207"))
        self.assertEqual(invoice.billing_pa_status_code, "207")

        # the reminder run skips it while disputed; the follow-up says why
        with freeze_time(day(10)):
            self.cron.method_direct_trigger()
            info = self.followup.pa_status_info
        self.assertFalse(invoice.dunning_level_id)
        self.assertFalse(self._reminders(self.b2b))
        self.assertIn(invoice.name, info)
        self.assertIn("207 Disputed", info)
        self.assertIn("Reason: Quantité erronée (QTE_ERR)\n8 jours réalisés, pas 10", info)

        # settled and paid: the payment registered here is reported by our own 212, queued
        # and sent by the send cron; the platform's 212 arrives through the poller
        self._pay(invoice, invoice.amount_total, day(12))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        ours = invoice.billing_pa_status_ids.filtered(lambda s: s.direction == "out")
        self.assertEqual((ours.code, ours.send_state), ("212", "queued"))
        cashed = self._poller_records(
            "212",
            13,
            amounts=[{"rate": 20.0, "amount": invoice.amount_total, "currency": "EUR"}],
        )
        self.assertEqual((cashed.move_id, cashed.direction), (invoice, "in"))
        self.assertEqual(invoice.billing_pa_status_code, "212")
        self.send_cron.method_direct_trigger()
        lifecycle = invoice.billing_pa_flow_ids.filtered(lambda f: f.flow_type == "lifecycle")
        self.assertEqual((lifecycle.state, lifecycle.flow_syntax), ("sent", "CDAR"))
        self.assertEqual([e[:3] for e in self.session.log[1:]], [("POST", "/v1/flows", 202)])

        # paid: never reminded, nothing left to explain
        with freeze_time(day(40)):
            self.cron.method_direct_trigger()
            self.followup.invalidate_recordset(["pa_status_info"])
            self.assertFalse(self.followup.pa_status_info)
        self.assertFalse(invoice.dunning_level_id)
        self.assertFalse(self._reminders(self.b2b))
