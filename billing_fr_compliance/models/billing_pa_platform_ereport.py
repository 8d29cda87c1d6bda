# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (e-reporting, issue 20: its own file, so that parallel work on the base files merges)
import logging

from odoo import fields, models

from ..tools import afnor_client

_logger = logging.getLogger(__name__)


class BillingPaPlatform(models.Model):
    _inherit = "billing.pa.platform"

    # e-reporting (flux 10) through this platform
    billing_ereport_matricule = fields.Char(
        string="Platform Registration Number",
        size=4,
        help="The 4-character number the DGFiP gave the platform (matricule), written as the "
        "sender of every e-reporting file (rule G6.22).",
    )
    billing_ereport_reporter = fields.Selection(
        selection=[
            ("us", "We send the e-reporting files"),
            ("platform", "The platform extracts it from the invoices"),
        ],
        string="E-reporting Made By",
        default="us",
        required=True,
        help="Who reports the sales to private and foreign customers. We send them: those "
        "invoices are not sent to the platform as invoices, so that nothing is reported "
        "twice. The platform extracts it: they are sent as invoices (B2C, B2BInt) and no "
        "e-reporting file is sent.",
    )
    billing_ereport_auto_send = fields.Boolean(
        string="Send E-reports Automatically",
        help="Off: the scheduled action prepares the reports and a billing manager sends "
        "them. On: a ready report is sent the set number of days before its deadline.",
    )

    def _billing_pa_poll_lifecycle(self, max_pages=10):
        """The lifecycle poll also asks for the platform's answer on the e-reporting files
        sent (see ``billing.fr.ereport._billing_ereport_poll_answers``)."""
        handled = super()._billing_pa_poll_lifecycle(max_pages=max_pages)
        if self.state != "ok":
            return handled
        try:
            self.env["billing.fr.ereport"]._billing_ereport_poll_answers(
                self, self._billing_pa_client()
            )
        except afnor_client.AfnorAuthError as error:
            self._billing_pa_stop(error)
        except afnor_client.AfnorError as error:
            _logger.info("platform %s: e-report answers not read (%s)", self.name, error)
        return handled
