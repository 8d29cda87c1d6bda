# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import tagged

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningMailBatch(DunningCommon):
    """A run renders each level's template once per language for all its reminders and
    queues their e-mails in one batch: each customer still gets exactly the e-mail Odoo
    writes for that reminder alone (its template rendered for that one record, posted with
    ``message_post``), in its own language and with its own amounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["billing_dunning"], ["fr_FR"])
        cls.b2b.lang = "fr_FR"
        cls.b2c.lang = "en_US"
        # the friendly reminder for both, several invoices and amounts for the French one
        cls._invoice(cls.b2b, day(-8), 1234.56)
        cls._invoice(cls.b2b, day(-12), 789.0)
        cls._invoice(cls.b2c, day(-9), 300.0)
        cls.b2c_2 = cls.env["res.partner"].create(
            {"name": "Jean Petit", "email": "jean@petit.example", "lang": "en_US"}
        )
        cls._invoice(cls.b2c_2, day(-7), 45.5)
        cls.company.partner_id.city = "Lyon"

    def _odoo_mail(self, reminder, user):
        """The e-mail Odoo writes for ``reminder`` alone, as ``user``: its template rendered
        for this record (``_render_field`` on one id) and posted by Odoo's ``message_post``."""
        reminder = reminder.with_user(user)
        template = reminder.level_id._get_mail_template()
        subject = template._render_field("subject", reminder.ids, compute_lang=True)[reminder.id]
        body = template._render_field("body_html", reminder.ids, compute_lang=True)[reminder.id]
        message = reminder.with_context(mail_notify_force_send=False).message_post(
            body=body,
            subject=subject,
            partner_ids=reminder.contact_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )
        return message

    def _mail_values(self, message):
        self.env.invalidate_all()  # what is stored, not what the batch left in the cache
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(mails), 1)
        return {
            "message": (
                message.body,
                message.subject,
                message.author_id,
                message.email_from,
                message.reply_to,
                message.message_type,
                message.subtype_id,
                message.partner_ids,
                message.record_name,
            ),
            "mail": (
                mails.subject,
                mails.body_html,
                mails.email_from,
                mails.reply_to,
                mails.recipient_ids,
                mails.auto_delete,
                mails.state,
                mails.model,
                mails.res_id,
            ),
            "notifications": sorted(
                (n.res_partner_id.id, n.notification_type, n.notification_status, n.is_read)
                for n in message.notification_ids
            ),
        }

    def test_batch_mail_is_odoo_mail(self):
        with freeze_time(day(0)):
            reminders = self.env["billing.dunning.run"]._dunning_run_company(self.company)
        self.assertEqual(reminders.partner_id, self.b2b | self.b2c | self.b2c_2)
        self.assertEqual(set(reminders.level_id.mapped("formal_notice")), {False})
        bodies = {}
        for reminder in reminders:
            ours = reminder.outcome_ids.filtered(lambda o: o.channel == "email").message_id
            self.assertEqual(len(ours), 1)
            with freeze_time(day(0)):
                odoo = self._odoo_mail(reminder, ours.create_uid)
            self.assertNotEqual(ours, odoo)
            self.assertEqual(self._mail_values(ours), self._mail_values(odoo))
            bodies[reminder.partner_id] = ours.body
        # each customer's own language and amounts
        french, english = bodies[self.b2b], bodies[self.b2c]
        self.assertIn("Sauf erreur de notre part", french)
        self.assertIn("234,56", french)
        self.assertIn("789,00", french)
        self.assertIn("Unless we are mistaken", english)
        self.assertNotIn("Sauf erreur", english)
        self.assertIn("300.00", english)

    def test_render_once_per_language(self):
        """The batch renders what Odoo renders record by record, compiling each template
        once per language (three reminders, two languages)."""
        with freeze_time(day(0)):
            policy = self.policy
            policy.send_mode = "review"
            reminders = self.env["billing.dunning.run"]._dunning_run_company(self.company)
            self.assertEqual(set(reminders.mapped("state")), {"to_review"})
            contents = reminders._dunning_mail_contents()
            for reminder in reminders:
                template = reminder.level_id._get_mail_template()
                self.assertEqual(
                    contents[reminder.id],
                    (
                        template._render_field("subject", reminder.ids, compute_lang=True)[
                            reminder.id
                        ],
                        template._render_field("body_html", reminder.ids, compute_lang=True)[
                            reminder.id
                        ],
                    ),
                )
        IrQweb = self.env["ir.qweb"].__class__
        compiled = []
        generate = IrQweb._generate_code

        def count(qweb, template):
            if isinstance(template, etree._Element):  # inline templates, not stored views
                compiled.append(template)
            return generate(qweb, template)

        def compiles(render):
            compiled.clear()
            self.env.invalidate_all()
            with freeze_time(day(0)):
                render()
            return len(compiled)

        self.patch(IrQweb, "_generate_code", count)
        one_per_language = reminders.filtered(lambda r: r.partner_id != self.b2c_2)
        template = reminders.level_id._get_mail_template()
        self.assertEqual(len(template), 1)
        # Odoo compiles the body once per record, the batch once per language
        odoo = compiles(
            lambda: template._render_field("body_html", reminders.ids, compute_lang=True)
        )
        batch = compiles(reminders._dunning_mail_contents)
        self.assertEqual(batch, compiles(one_per_language._dunning_mail_contents))
        self.assertLess(batch, odoo)

    def test_template_reports_attached(self):
        """A report added to the level's template (here the customer statement) is attached
        to each customer's e-mail, rendered for its reminder."""
        report = self.env.ref("billing_dunning.action_report_reminder_statement")
        template = self.env.ref("billing_dunning.mail_template_reminder")
        template.report_template_ids = [Command.link(report.id)]
        with freeze_time(day(0)):
            reminders = self.env["billing.dunning.run"]._dunning_run_company(self.company)
        for reminder in reminders:
            message = reminder.outcome_ids.filtered(lambda o: o.channel == "email").message_id
            self.assertEqual(len(message.attachment_ids), 1)
            mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
            self.assertEqual(mail.attachment_ids, message.attachment_ids)
            self.assertIn(reminder.partner_id.name, message.attachment_ids.raw.decode())

    def test_queries_per_reminder_bounded(self):
        """A run's queries grow by a small constant per reminder (the messages, e-mails,
        reminders and lines written in batches): four customers more cost at most four
        queries more each (two at this version; fifteen when each message was posted on
        its own)."""

        def customers(count, tag):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Client {tag} {n}", "email": f"c{tag}{n}@example.com"}
                    for n in range(count)
                ]
            )
            for partner in partners:
                self._invoice(partner, day(-8), 100.0)
                self._invoice(partner, day(-10), 50.0)
            return partners

        Run = self.env["billing.dunning.run"]

        def run_queries(partners):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time(day(0)):
                reminders = Run._dunning_run_company(self.company, partners=partners)
                self.env.flush_all()
            self.assertEqual(reminders.partner_id, partners)
            return self.env.cr.sql_log_count - before

        warm, two, six = customers(1, "w"), customers(2, "a"), customers(6, "b")
        run_queries(warm)  # templates compiled, caches filled
        extra = run_queries(six) - run_queries(two)
        self.assertLessEqual(extra, 4 * 4, f"{extra} queries for 4 reminders more")
