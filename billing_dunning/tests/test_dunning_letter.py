# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta
from html import unescape

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DUE, DunningCommon

IBAN = "FR7630006000011234567890189"
IBAN_PRINTED = "FR76 3000 6000 0112 3456 7890 189"


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningLetter(DunningCommon):
    """The letter a French customer receives: a French business letter (sender top left,
    recipient in the window of a DL envelope), phones as dialled in France, and how to pay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.write(
            {
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "phone": "+33478000000",
            }
        )
        bank = cls.env["res.bank"].create({"name": "Banque de Lyon", "bic": "AGRIFRPP"})
        cls.bank_account = cls.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": cls.company.partner_id.id, "bank_id": bank.id}
        )
        cls.b2b.write(
            {
                "street": "3 avenue Foch",
                "zip": "75016",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.inv = cls._invoice(cls.b2b, DUE, 1000.0, post=False)
        cls.inv.payment_reference = "RF18 0000 0000 0000 0000 0001"
        cls.inv.action_post()

    def _reminder(self, offset=45):
        with freeze_time(day(offset)):
            self._run_cron()
        return self._reminders(self.b2b)

    def _letter_html(self, reminder):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "billing_dunning.report_dunning_reminder", reminder.ids
        )[0]
        return unescape(html.decode() if isinstance(html, bytes) else html)

    def test_letter_layout_and_how_to_pay(self):
        reminder = self._reminder()
        html = self._letter_html(reminder)
        # sender first, top left; then the recipient, placed for the envelope's window
        sender = html.index('id="dunning_sender"')
        recipient = html.index('id="dunning_recipient"')
        place_date = html.index('id="dunning_place_date"')
        subject = html.index('id="dunning_object"')
        how_to_pay = html.index('id="dunning_how_to_pay"')
        self.assertLess(sender, recipient)
        self.assertLess(recipient, place_date)
        self.assertLess(place_date, subject)
        self.assertLess(subject, how_to_pay)
        self.assertRegex(
            html, r'id="dunning_recipient" style="position: absolute; left: 106mm; top: 46mm;'
        )
        self.assertIn("Martin SARL", html[recipient:place_date])
        self.assertIn("75016", html[recipient:place_date])
        self.assertNotIn("Martin SARL", html[sender:recipient])
        self.assertIn("12 rue de la République", html[sender:recipient])
        self.assertIn("Lyon, ", html[place_date:subject])
        # the phone as a French customer dials it
        self.assertIn("04 78 00 00 00", html)
        self.assertNotIn("+33478000000", html)
        self.assertNotIn("+33 4 78", html)
        # how to pay: IBAN, BIC, the invoice's payment reference
        block = html[how_to_pay:]
        self.assertIn(IBAN_PRINTED, block)
        self.assertIn("AGRIFRPP", block)
        self.assertRegex(
            block,
            r'class="dunning_payment_reference" style="white-space: nowrap;">'
            r"RF18 0000 0000 0000 0000 0001<",
        )

    def test_letter_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["billing_dunning"], ["fr_FR"])
        self.b2b.lang = "fr_FR"
        reminder = self._reminder()
        html = self._letter_html(reminder)
        self.assertRegex(html, r"Lyon, le \d+ [a-zéû]+ 2025")
        self.assertIn("Objet", html)
        self.assertIn("Comment payer", html)

    def test_mail_tells_how_to_pay(self):
        reminder = self._reminder(offset=10)
        message = reminder.outcome_ids.message_id
        body = unescape(str(message.body))
        self.assertEqual(body.count('id="dunning_how_to_pay"'), 1)
        self.assertIn(IBAN_PRINTED, body)
        self.assertIn("RF18 0000 0000 0000 0000 0001", body)
        self.assertIn("04 78 00 00 00", body)
        self.assertNotIn("/my/invoices/", body, "no online payment offered")

    def test_online_payment_link(self):
        if "payment.provider" not in self.env:
            self.skipTest("the payment module is not installed")
        Provider = self.env["payment.provider"].sudo()
        Provider.search([("company_id", "=", self.company.id)]).state = "disabled"
        provider = Provider.create({"name": "Card payments", "company_id": self.company.id})
        reminder = self._reminder(offset=10)
        html = self._letter_html(reminder)
        self.assertNotIn("/my/invoices/", html, "every provider disabled: no link")
        provider.state = "test"
        reminder.invalidate_recordset()
        html = self._letter_html(reminder)
        self.assertTrue(self.inv.access_token)
        self.assertRegex(
            html, re.escape(f"/my/invoices/{self.inv.id}?access_token={self.inv.access_token}")
        )
        mail_block = unescape(str(reminder.payment_html))
        self.assertIn(f'href="{self.inv.get_base_url()}/my/invoices/{self.inv.id}', mail_block)
