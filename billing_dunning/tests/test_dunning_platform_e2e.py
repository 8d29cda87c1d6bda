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
from odoo.tools import mute_logger

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
                "state": "ok",  # in service, as after its connection test
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
        cls.poll_cron = cls.env.ref("billing_fr_compliance.ir_cron_billing_pa_poll")
        cls._start_platform_with_lifecycle()
        # the invoice goes out as its Factur-X PDF, rendered by wkhtmltopdf, which fetches the
        # report assets over HTTP: the test server cannot answer while the test holds its
        # transaction, a closed port gives a real (unstyled) PDF at once
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
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

    @classmethod
    def _platform_cdar(cls, code, offset, **values):
        """The CDAR of status ``code`` about the invoice, set ``offset`` days after DUE, as
        the platform delivers it: transmission statuses by the platform (WK), processing
        ones by the buyer (BY), 212 by the seller; built with tools/cdar.py (checked against
        the XSD and BR-FR-CDV in the test, like the platform's own)."""
        from odoo.addons.billing_fr_compliance.tools import cdar

        invoice = cls.invoice
        when = datetime.datetime.combine(day(offset), datetime.time(9, 0))
        seller = {"ids": {"0002": cls.company.siren}, "name": cls.company.name, "role": "SE"}
        buyer = {
            "ids": {"0002": cls.b2b.siren},
            "name": cls.b2b.name,
            "role": "BY",
            "uri": cls.b2b.siren,
        }
        to_seller = [dict(seller, uri=cls.company.siren)]
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
            "seller_siren": cls.company.siren,
            "code": code,
        }
        data.update(values)
        return cdar.build(data)

    @classmethod
    def _start_platform_with_lifecycle(cls):
        """A Prism of its own for this class: the same flow spec, plus the platform's answers
        as named examples (``Prefer: example=...``): two searches of lifecycle flows and the
        CDAR file of each flow they list, about this class's invoice. The real poll cron
        then searches and downloads them over HTTP."""
        cls.cdars = {
            "lc-200": cls._platform_cdar("200", 1),
            "lc-207": cls._platform_cdar(
                "207", 3, reason_code="QTE_ERR", reason="8 jours réalisés, pas 10"
            ),
            "lc-212": cls._platform_cdar(
                "212",
                13,
                amounts=[{"rate": 20.0, "amount": cls.invoice.amount_total, "currency": "EUR"}],
            ),
        }

        def listed(*flow_ids):
            return cls.afnor_prism.search_answer(
                *({"flowId": flow_id, "name": f"{flow_id}.xml"} for flow_id in flow_ids)
            )

        examples = {
            "search": {
                "deposited-disputed": listed("lc-200", "lc-207"),
                "cashed": listed("lc-212"),
            },
            "files": cls.cdars,
        }
        proc, url = cls.afnor_prism.start_prism("flow", examples=examples)
        cls.addClassCleanup(cls.afnor_prism.stop_prism, proc)
        cls.urls = dict(cls.urls, flow=url)
        cls.platform.flow_url = url

    def _poll(self, search, *files):
        """The poll cron, the platform answering ``search`` and then each of ``files``."""
        self.session.prefer.extend("example=%s" % name for name in (search, *files))
        self.poll_cron.method_direct_trigger()
        self.assertFalse(self.session.prefer, "every answer prepared was asked for")
        self.assertEqual(
            [entry[:3] for entry in self.session.log[-1 - len(files) :]],
            [("POST", "/v1/flows/search", 200)]
            + [("GET", "/v1/flows/%s" % name, 200) for name in files],
        )
        statuses = self.invoice.billing_pa_status_ids
        return statuses.filtered(lambda s: s.platform_flow_id in files)

    def test_sent_disputed_then_cashed(self):
        invoice = self.invoice
        # posted: queued for the platform, then sent by the real send cron
        self.assertEqual(invoice.billing_pa_send_state, "to_send")
        with mute_logger("odoo.addons.base.models.ir_actions_report"):  # wkhtmltopdf's Qt
            self.send_cron.method_direct_trigger()
        self.assertEqual(invoice.billing_pa_send_state, "sent")
        self.assertEqual(invoice.billing_pa_flow_id.flow_syntax, "Factur-X")
        self.assertTrue(invoice.billing_pa_flow_id.attachment_id.raw.startswith(b"%PDF"))
        self.assertEqual([e[:3] for e in self.session.log], [("POST", "/v1/flows", 202)])
        self.assertTrue(invoice.billing_pa_platform_flow_id)

        # the platform's CDARs are valid ones (XSD and BR-FR-CDV)
        from odoo.addons.billing_fr_compliance.tools import cdar

        for xml in self.cdars.values():
            self.assertEqual(cdar.check(xml), [])

        # polled: 200 Déposée, then the buyer disputes it: 207 En litige with a reason
        deposited, disputed = self._poll("deposited-disputed", "lc-200", "lc-207").sorted("id")
        self.assertEqual((deposited.code, deposited.move_id), ("200", invoice))
        self.assertEqual((disputed.code, disputed.platform_flow_id), ("207", "lc-207"))
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
        cashed = self._poll("cashed", "lc-212")
        self.assertEqual((cashed.code, cashed.move_id, cashed.direction), ("212", invoice, "in"))
        self.assertEqual(invoice.billing_pa_status_code, "212")
        self.send_cron.method_direct_trigger()
        lifecycle = invoice.billing_pa_flow_ids.filtered(lambda f: f.flow_type == "lifecycle")
        self.assertEqual((lifecycle.state, lifecycle.flow_syntax), ("sent", "CDAR"))
        self.assertEqual(self.session.log[-1][:3], ("POST", "/v1/flows", 202))

        # paid: never reminded, nothing left to explain
        with freeze_time(day(40)):
            self.cron.method_direct_trigger()
            self.followup.invalidate_recordset(["pa_status_info"])
            self.assertFalse(self.followup.pa_status_info)
        self.assertFalse(invoice.dunning_level_id)
        self.assertFalse(self._reminders(self.b2b))
