# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest import SkipTest

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DUE, DunningCommon


@tagged("post_install", "-at_install")
class TestDunningJobs(DunningCommon):
    """With OCA queue_job installed, the daily cron splits the run into queue jobs of a few
    customers each; the jobs, run by the job runner, send each reminder once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "queue.job" not in cls.env:
            # tests/run installs queue_job when it is on the addons path (requirements-oca.txt)
            raise SkipTest("OCA queue_job is not installed")
        cls.env["ir.config_parameter"].sudo().set_param("billing_dunning.use_queue_job", "1")
        cls.inv_b2b = cls._invoice(cls.b2b_contact, DUE, 1000.0)
        cls.inv_b2c = cls._invoice(cls.b2c, DUE, 200.0)
        cls.inv_other = cls._invoice(cls.no_email, DUE, 300.0)
        # one job per customer, to see the split
        cls.cron.code = "model._cron_run(job_size=1)"

    def _jobs(self):
        # queue jobs are read by job queue managers only
        return (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("model_name", "=", "billing.dunning.run"),
                    ("method_name", "=", "_dunning_job"),
                ]
            )
        )

    def _perform(self, jobs):
        from odoo.addons.queue_job.job import Job

        for record in jobs:
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.perform()
            job.set_done()
            job.store()

    def test_cron_enqueues_jobs_that_send_once(self):
        day10 = DUE + timedelta(days=10)
        with freeze_time(day10):
            self._run_cron()
            jobs = self._jobs()
            # nothing sent by the cron itself: one pending job per customer
            self.assertFalse(self._reminders())
            self.assertEqual(len(jobs), 3)
            self.assertEqual(set(jobs.mapped("state")), {"pending"})
            # the cron running again before the jobs ran enqueues nothing more
            self._run_cron()
            self.assertEqual(self._jobs(), jobs)
            self._perform(jobs)
            reminders = self._reminders()
            self.assertEqual(
                reminders.partner_id, self.b2b | self.b2c | self.no_email, reminders.partner_id
            )
            self.assertEqual(set(jobs.mapped("state")), {"done"})
            self.assertEqual(self.inv_b2b.dunning_level_id, self.level1)
            # a job run twice (retried by the runner) and a new cron the same day send nothing
            self._perform(jobs[:1])
            self._run_cron()
            self.assertEqual(self._jobs(), jobs)
            self.assertEqual(self._reminders(), reminders)

    def test_switched_off_runs_in_the_cron(self):
        self.env["ir.config_parameter"].sudo().set_param("billing_dunning.use_queue_job", "0")
        with freeze_time(DUE + timedelta(days=10)):
            self._run_cron()
        self.assertFalse(self._jobs())
        self.assertEqual(len(self._reminders()), 3)
