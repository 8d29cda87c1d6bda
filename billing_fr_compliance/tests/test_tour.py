# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.tests import Form, tagged

from .common import BillingFrCommon
from .common_tour import FrenchTourCase


class _NoWarningFilter(logging.Filter):
    def filter(self, record):
        return record.levelno != logging.WARNING


@tagged("post_install", "-at_install")
class TestComplianceTour(BillingFrCommon, FrenchTourCase):
    """A French billing clerk, in the web client in French, posts a compliant invoice and
    is shown why an incomplete one is refused (static/tests/tours/)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk("base.group_user,account.group_account_invoice")
        # a French company customer with neither address nor SIREN
        cls.incomplete = cls.env["res.partner"].create(
            {"name": "Menuiserie Sans Adresse", "is_company": True, "country_id": cls.fr.id}
        )
        cls.incomplete.property_payment_term_id = cls.term_30
        cls.good_invoice = cls._draft(cls.customer)
        cls.bad_invoice = cls._draft(cls.incomplete)

    @classmethod
    def _draft(cls, partner):
        move_form = Form(cls.env["account.move"].with_context(default_move_type="out_invoice"))
        move_form.invoice_date = cls.invoice_date
        move_form.partner_id = partner
        with move_form.invoice_line_ids.new() as line_form:
            line_form.product_id = cls.goods
        return move_form.save()

    def test_post_and_refuse(self):
        # the refusal is a UserError, which odoo.http logs as a warning: drop the warnings
        # of odoo.http during the tour, not its errors (a server fault still shows)
        http_logger = logging.getLogger("odoo.http")
        no_warning = _NoWarningFilter()
        http_logger.addFilter(no_warning)
        try:
            self.start_tour(
                "/odoo/action-account.action_move_out_invoice_type/%d" % self.good_invoice.id,
                "billing_fr_compliance_tour",
                login=self.clerk.login,
            )
        finally:
            http_logger.removeFilter(no_warning)
        self.assertEqual(self.good_invoice.state, "posted")
        self.assertEqual(self.good_invoice.fr_compliance_status, "compliant")
        self.assertEqual(self.bad_invoice.state, "draft")
