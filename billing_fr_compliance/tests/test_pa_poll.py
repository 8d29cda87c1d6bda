# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lifecycle poller survives a bad file: the real poll cron over the local platform
(Prism serving the AFNOR OpenAPI files, with the files to download as named examples)."""

import datetime

from odoo.tests import tagged

from ..tools import cdar
from . import afnor_prism
from .test_billing_pa import BillingPaCase
from .test_pa_status import BillingPaStatusCommon

WHEN = datetime.datetime(2026, 3, 11, 9, 0, 0)
NOT_A_CDAR = b"<<< this is not a lifecycle message"


@tagged("post_install", "-at_install")
class TestPaPoll(BillingPaCase, BillingPaStatusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Second SAS", "country_id": cls.env.ref("base.fr").id}
        )
        files = {
            "lc-200": cls._platform_cdar("200", 0),
            "lc-bad": NOT_A_CDAR,
            "lc-205": cls._platform_cdar("205", 2),
            # for the second company's platform: about an invoice it does not have
            "lc-b": cls._platform_cdar("200", 1, invoice_number="B-2026-0001"),
        }

        def listed(*flow_ids, next_cursor=None):
            answer = afnor_prism.search_answer(
                *({"flowId": flow_id, "name": f"{flow_id}.xml"} for flow_id in flow_ids)
            )
            if next_cursor:
                answer["nextCursor"] = next_cursor
            return answer

        examples = {
            "search": {
                "page-1": listed("lc-200", "lc-bad", "lc-205", next_cursor="cursor-2"),
                "page-2": listed(),
                "page-b": listed("lc-b"),
            },
            "files": files,
        }
        proc, url = afnor_prism.start_prism("flow", examples=examples)
        cls.addClassCleanup(afnor_prism.stop_prism, proc)
        cls.urls = dict(cls.urls, flow=url)
        cls.platform.flow_url = url
        cls.platform_b = cls.env["billing.pa.platform"].create(
            {
                "name": "PA B",
                "company_id": cls.company_b.id,
                "flow_url": url,
                "bearer_token": "other-token",
                "state": "ok",  # in service, as after its connection test
            }
        )
        cls.poll_cron = cls.env.ref("billing_fr_compliance.ir_cron_billing_pa_poll")

    @classmethod
    def _platform_cdar(cls, code, days, **values):
        """A valid CDAR about the class's invoice, set by the platform (transmission) or by
        the buyer (processing), ``days`` after WHEN."""
        invoice = cls.invoice
        when = WHEN + datetime.timedelta(days=days)
        seller = {"ids": {"0002": cls.company.siren}, "name": cls.company.name, "role": "SE"}
        buyer = {"ids": {"0002": cls.customer.siren}, "name": cls.customer.name, "role": "BY"}
        data = {
            "document_id": f"{invoice.name}_{code}_{when:%Y%m%d%H%M%S}",
            "issue_datetime": when,
            "status_datetime": when,
            "sender_role": "WK",
            "issuer": {"name": "PA", "role": "WK"} if code in cdar.TRANSMISSION else buyer,
            "recipients": [dict(seller, uri=cls.company.siren)],
            "invoice_number": invoice.name,
            "invoice_type": "380",
            "invoice_date": invoice.invoice_date,
            "seller_siren": cls.company.siren,
            "code": code,
        }
        data.update(values)
        return cdar.build(data)

    def _poll(self, *answers):
        """The poll cron, the platforms answering ``answers`` (Prism's examples) in turn."""
        self.session.log.clear()
        self.session.prefer.extend("example=%s" % name for name in answers)
        self.poll_cron.method_direct_trigger()
        self.assertFalse(self.session.prefer, "every answer prepared was asked for")
        return [(method, path) for method, path, __, __ in self.session.log]

    def test_a_bad_file_is_recorded_and_the_poll_goes_on(self):
        calls = self._poll("page-1", "lc-200", "lc-bad", "lc-205", "page-2", "page-b", "lc-b")
        search = ("POST", "/v1/flows/search")
        self.assertEqual(
            calls,
            [search]
            + [("GET", f"/v1/flows/{name}") for name in ("lc-200", "lc-bad", "lc-205")]
            + [search, search, ("GET", "/v1/flows/lc-b")],
        )
        # the good files around the bad one are recorded, the cursor moved past the page
        statuses = self.invoice.billing_pa_status_ids
        self.assertEqual(sorted(statuses.mapped("platform_flow_id")), ["lc-200", "lc-205"])
        self.assertEqual(self.invoice.billing_pa_status_code, "205")
        self.assertEqual(self.platform.lifecycle_cursor, "cursor-2")
        # the bad one is an error of the platform, kept with its file, told to a manager
        self.assertIn("lc-bad", self.platform.poll_error)
        self.assertIn("could not be read", self.platform.poll_error)
        kept = self.env["ir.attachment"].search(
            [("res_model", "=", "billing.pa.platform"), ("res_id", "=", self.platform.id)]
        )
        self.assertEqual(kept.raw, NOT_A_CDAR)
        message = self.platform.message_ids.filtered(lambda m: m.attachment_ids == kept)
        self.assertIn("lc-bad", message.body)
        activity = self.platform.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id)
        # the next platform was polled all the same
        status_b = self.env["billing.pa.status"].search([("company_id", "=", self.company_b.id)])
        self.assertEqual((status_b.platform_flow_id, status_b.code), ("lc-b", "200"))
        self.assertFalse(self.platform_b.poll_error)

        # the next poll: the platform lists the same flows; none is downloaded again, the
        # bad file makes no second error nor activity
        calls = self._poll("page-1", "page-2", "page-b")
        self.assertEqual(calls, [search] * 3)
        self.assertEqual(len(self.platform.poll_error.splitlines()), 1)
        self.assertEqual(len(self.platform.activity_ids), 1)
        self.assertEqual(len(self.invoice.billing_pa_status_ids), 2)
        # a manager marks the errors as seen
        self.platform.action_clear_poll_error()
        self.assertFalse(self.platform.poll_error)
