# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, models


class BillingDunningRun(models.AbstractModel):
    """The dunning run, what it sends: each reminder on its level's channels (e-mail,
    letter, call) and the outcome of each."""

    _inherit = "billing.dunning.run"

    @api.model
    def _dunning_send(self, reminders):
        """Send each of ``reminders`` on its level's channels and record the outcome of each.

        E-mails are queued (sent by the mail queue after the commit), letters wait in the
        print queue, calls are activities. A customer without e-mail address gets a letter
        and a call instead. The e-mails of the whole batch are rendered and queued together
        (``billing.dunning.reminder._dunning_post_emails``)."""
        reminders = reminders.with_context(lang=self.env.lang)
        outcomes = []
        fallback = set()
        to_mail = reminders.browse()
        for reminder in reminders:
            if not reminder.level_id.channel_email:
                continue
            if reminder.contact_id.email:
                to_mail |= reminder
            else:
                fallback.add(reminder.id)
                outcomes.append(
                    {
                        "reminder_id": reminder.id,
                        "channel": "email",
                        "state": "failed",
                        "note": _(
                            "No e-mail address on %(partner)s: a letter and a phone call "
                            "replace the e-mail.",
                            partner=reminder.contact_id.display_name,
                        ),
                    }
                )
        messages = to_mail._dunning_post_emails()
        for reminder in to_mail:
            message = messages.get(reminder.id)
            outcomes.append(
                {
                    "reminder_id": reminder.id,
                    "channel": "email",
                    "state": "done" if message else "failed",
                    "note": _("Queued to %(email)s", email=reminder.contact_id.email)
                    if message
                    else _("The e-mail could not be written (see the server log)."),
                    "message_id": message.id if message else False,
                }
            )
        for reminder in reminders:
            level = reminder.level_id
            if level.channel_letter or reminder.id in fallback:
                outcomes.append(
                    {
                        "reminder_id": reminder.id,
                        "channel": "letter",
                        "state": "todo",
                        "note": _("To print"),
                    }
                )
            if level.channel_phone or reminder.id in fallback:
                user = level.activity_user_id or reminder.partner_id.user_id or self.env.user
                activity = reminder._billing_activity_schedule(
                    "mail.mail_activity_data_call",
                    date_deadline=reminder.date,
                    summary=_(
                        "Call %(partner)s about %(amount)s overdue",
                        partner=reminder.partner_id.display_name,
                        amount=reminder.currency_id.format(reminder.amount_due),
                    ),
                    user_id=user.id,
                )
                outcomes.append(
                    {
                        "reminder_id": reminder.id,
                        "channel": "phone",
                        "state": "todo",
                        "note": _("Call planned for %(user)s", user=user.name),
                        "activity_id": activity.id,
                    }
                )
        self.env["billing.dunning.outcome"].create(outcomes)
