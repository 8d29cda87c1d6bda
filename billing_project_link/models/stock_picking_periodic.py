# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
"""Invoicing from delivery notes: the monthly run (cron, optionally split into queue jobs)."""

from datetime import date

from odoo import _, api, fields, models

from ..tools import delivery as rules


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # ------------------------------------------------------------------------------------------
    # Scheduled run
    # ------------------------------------------------------------------------------------------

    @api.model
    def _delivery_monthly_domain(self, before):
        return [
            ("delivery_invoice_status", "=", "to_invoice"),
            ("sale_id.partner_id.commercial_partner_id.delivery_invoice_frequency", "=", "monthly"),
            ("date_done", "<", fields.Datetime.to_string(before)),
        ]

    @api.model
    def _cron_invoice_monthly_deliveries(self, chunk_size=100):
        """Month-end run: one invoice per customer and month for the deliveries done before
        this month by customers invoiced monthly.

        Customers are processed by chunks; pickings locked by another worker are skipped and
        invoiced pickings are never picked again, so the run is safe to repeat. With OCA
        queue_job installed (unless the system parameter
        ``billing_project_link.use_queue_job`` is ``0``), each chunk becomes a queue job that
        the job runner spreads over the workers and nodes; the cron only enqueues them.
        """
        before = date.today().replace(day=1)
        # the cron user may not be allowed in every company: the run serves all of them
        pickings = self.sudo().search(self._delivery_monthly_domain(before), order="partner_id, id")
        invoices = self.env["account.move"]
        use_jobs = self._delivery_use_jobs()
        for company, company_pickings in pickings.grouped("company_id").items():
            customers = rules.group_by_key(
                company_pickings,
                key=lambda p: p.sale_id.partner_invoice_id.commercial_partner_id.id,
            )
            for start in range(0, len(customers), chunk_size):
                groups = customers[start : start + chunk_size]
                chunk = company_pickings.browse([p.id for group in groups for p in group])
                if use_jobs:
                    chunk._delivery_enqueue(company)
                    continue
                invoices |= chunk.with_company(company)._delivery_invoice_create(
                    grouping="period", skip_locked=True
                )
        return invoices

    @api.model
    def _delivery_use_jobs(self):
        """Split the monthly run into queue jobs: OCA queue_job is installed and not switched
        off."""
        param = (
            self.env["ir.config_parameter"].sudo().get_param("billing_project_link.use_queue_job")
        )
        return "queue.job" in self.env and hasattr(self, "with_delay") and param != "0"

    def _delivery_enqueue(self, company):
        """One queue job invoicing these deliveries by customer and period; the same
        deliveries are not enqueued twice while their job waits."""
        # queue_job is optional: imported only when installed
        from odoo.addons.queue_job.job import identity_exact

        self.with_company(company).with_delay(
            description=_(
                "Invoice %(count)s deliveries of %(company)s",
                count=len(self),
                company=company.name,
            ),
            identity_key=identity_exact,
        )._delivery_invoice_job()

    def _delivery_invoice_job(self):
        """Queue job: invoice these deliveries by customer and period; those invoiced or
        locked meanwhile are left out, so a retried job creates nothing twice."""
        invoices = self._delivery_invoice_create(grouping="period", skip_locked=True)
        return _("%(count)s invoices created", count=len(invoices))
