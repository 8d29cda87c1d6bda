# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending is never twice, even when the platform is slow: each flow is claimed by one
worker, read again under lock right before its call, and its result committed on its own;
a flow accepted without its platform id is only looked up afterwards, never posted again."""

import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged

from ..models import billing_pa_flow
from .slow_platform import SlowPlatform


def queue_flows(env, platform, count):
    """``count`` lifecycle flows queued for ``platform`` (a CDAR file each)."""
    flows = env["billing.pa.flow"]
    for index in range(count):
        flow = flows.create(
            {
                "platform_id": platform.id,
                "company_id": platform.company_id.id,
                "flow_type": "lifecycle",
                "file_name": "status-%d.xml" % index,
                "flow_syntax": "CDAR",
            }
        )
        flow._billing_pa_store_content(b"<status n='%d'/>" % index)
        flows |= flow
    return flows


PARAM = "billing_fr_compliance.pa_use_queue_job"


@tagged("post_install", "-at_install")
class TestPaSendOnce(TransactionCase):
    """In the test's transaction: the claim, a flow claimed by another worker, a 202
    without flowId."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the scheduled action sends itself (with OCA queue_job, it would enqueue jobs)
        cls.env["ir.config_parameter"].sudo().set_param(PARAM, "0")

    def _platform(self, server):
        url = server.start()
        self.addCleanup(server.stop)
        return self.env["billing.pa.platform"].create(
            {
                "name": "Slow PA",
                "company_id": self.env.company.id,
                "flow_url": url,
                "bearer_token": "token-of-the-tests",
                "state": "ok",  # in service, as after its connection test
            }
        )

    def test_a_flow_claimed_by_another_worker_is_skipped(self):
        server = SlowPlatform()
        flows = queue_flows(self.env, self._platform(server), 2)
        Flow = self.env["billing.pa.flow"]
        mine = Flow._billing_pa_claim(10)
        self.assertEqual(mine, flows)
        self.assertTrue(all(flow.next_attempt_date > fields.Datetime.now() for flow in flows))
        self.assertFalse(Flow._billing_pa_claim(10), "leased: nobody else takes them")
        # the lease of the first ends before it reaches them: another worker claims them
        flows.next_attempt_date = fields.Datetime.now()
        theirs = Flow._billing_pa_claim(10)
        self.assertEqual(theirs, flows)
        self.assertNotEqual(
            mine.env.context["billing_pa_claim_token"],
            theirs.env.context["billing_pa_claim_token"],
        )
        mine._billing_pa_process()  # the first worker reaches them: not its own any more
        self.assertEqual(sum(server.posts.values()), 0)
        self.assertEqual(set(flows.mapped("state")), {"to_send"})
        self.assertEqual(set(flows.mapped("attempts")), {0})
        theirs._billing_pa_process()
        self.assertEqual(set(flows.mapped("state")), {"sent"})
        self.assertEqual(sorted(server.posts.values()), [1, 1])

    def test_202_without_flow_id_is_not_sent(self):
        server = SlowPlatform(empty_flow_id=True, known=False)
        flow = queue_flows(self.env, self._platform(server), 1)
        Flow = self.env["billing.pa.flow"]
        self.assertEqual(Flow._cron_billing_pa_send(), 1)
        self.assertEqual(server.posts[flow.tracking_id], 1)
        # accepted, but with no id: to be confirmed by a look-up, never "sent" without it
        self.assertEqual((flow.state, flow.platform_flow_id), ("to_send", False))
        self.assertTrue(flow.awaiting_flow_id)
        self.assertEqual(flow.error_code, "FLOW_ID_UNKNOWN")
        self.assertGreater(flow.next_attempt_date, fields.Datetime.now())
        # the look-up does not find it yet: it waits again, and it is not posted again
        flow.next_attempt_date = fields.Datetime.now()
        Flow._cron_billing_pa_send()
        self.assertEqual((server.searches, server.posts[flow.tracking_id]), (1, 1))
        self.assertEqual((flow.state, flow.awaiting_flow_id), ("to_send", True))
        # the platform names it now: sent, with its id
        server.known = True
        flow.next_attempt_date = fields.Datetime.now()
        Flow._cron_billing_pa_send()
        self.assertEqual((server.searches, server.posts[flow.tracking_id]), (2, 1))
        self.assertEqual((flow.state, flow.awaiting_flow_id), ("sent", False))
        self.assertEqual(flow.platform_flow_id, server.flow_ids[flow.tracking_id])
        self.assertFalse(flow.error_code)


@tagged("post_install", "-at_install")
class TestPaSendTwoWorkers(TransactionCase):
    """Two workers, each with its own database cursor and committing as the scheduled
    action does, send the same queue to a platform that answers slowly, with leases much
    shorter than their groups take: every flow is posted once.

    The flows and their platform are committed by a cursor of the test's own (the workers
    only see committed rows) and deleted at the end; the test's transaction commits
    nothing."""

    COUNT = 8

    def setUp(self):
        super().setUp()
        self.server = SlowPlatform(delay=0.3)
        url = self.server.start()
        self.addCleanup(self.server.stop)
        with self.registry.cursor() as cr:
            env = api.Environment(
                cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
            )
            company = env.ref("base.main_company")
            platform = env["billing.pa.platform"].create(
                {
                    "name": "Slow PA",
                    "company_id": company.id,
                    "flow_url": url,
                    "bearer_token": "token-of-the-tests",
                    "state": "ok",
                }
            )
            self.flow_ids = queue_flows(env, platform, self.COUNT).ids
            self.platform_id = platform.id
            # the workers send themselves (with OCA queue_job, they would enqueue jobs)
            params = env["ir.config_parameter"]
            self.param = params.get_param(PARAM)
            params.set_param(PARAM, "0")
            # a cursor of its own, not the test's
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete)

    def _delete(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # (the flows' files go with them)
            env["billing.pa.flow"].search([("platform_id", "=", self.platform_id)]).unlink()
            env["billing.pa.platform"].browse(self.platform_id).unlink()
            env["ir.config_parameter"].set_param(PARAM, self.param or False)
            # a cursor of its own, not the test's
            cr.commit()  # pylint: disable=invalid-commit

    def test_two_workers_post_each_flow_once(self):
        errors = []
        start = threading.Barrier(2)

        def worker():
            try:
                with self.registry.cursor() as cr:
                    # the registry given, not looked up by name: the test runner holds the
                    # lock of the registries while it runs the tests
                    cr.transaction = api.Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    start.wait()
                    env["billing.pa.flow"]._cron_billing_pa_send(chunk=4)
            except Exception as error:  # reported by the test thread
                errors.append(error)

        # each group of 4 flows takes 1.2 s at the platform; its lease is 0.4 s (0.1 s for
        # one flow): the other worker finds the flows due again long before they are sent
        with (
            patch.object(billing_pa_flow, "LEASE_MARGIN", 0),
            patch.object(billing_pa_flow.afnor_client, "TIMEOUT", 0.05),
        ):
            threads = [threading.Thread(target=worker, daemon=True) for __ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        self.assertFalse([thread for thread in threads if thread.is_alive()])
        self.assertFalse(errors)
        with self.registry.cursor() as cr:
            flows = api.Environment(cr, SUPERUSER_ID, {})["billing.pa.flow"].browse(self.flow_ids)
            self.assertEqual(set(flows.mapped("state")), {"sent"})
            self.assertEqual(len(self.server.posts), self.COUNT)
            self.assertEqual(set(self.server.posts.values()), {1}, "every flow posted once")
            self.assertEqual(
                {flow.tracking_id: flow.platform_flow_id for flow in flows},
                self.server.flow_ids,
            )
