# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The same file in each billing addon (each installs alone): tests/test_shared_copies.py keeps
# the copies identical.
import logging

from odoo import SUPERUSER_ID, models

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _billing_message_post(self, **kwargs):
        """``message_post`` that never blocks the action that caused it (a validation, a
        posting, a payment): see ``_billing_notify``. Returns the message, or an empty
        recordset when it could not be posted."""
        return self._billing_notify("message_post", kwargs, self.env["mail.message"])

    def _billing_message_post_with_source(self, source_ref, **kwargs):
        """``message_post_with_source`` that never blocks the action that caused it."""
        kwargs["source_ref"] = source_ref
        return self._billing_notify("message_post_with_source", kwargs, self.env["mail.message"])

    def _billing_activity_schedule(self, act_type_xmlid="", **kwargs):
        """``activity_schedule`` that never blocks the action that caused it: see
        ``_billing_notify``. Returns the activities, or an empty recordset."""
        kwargs["act_type_xmlid"] = act_type_xmlid
        kwargs.setdefault("user_id", self.env.uid)  # not the bot when it schedules it
        return self._billing_notify("activity_schedule", kwargs, self.env["mail.activity"])

    def _billing_notify(self, method, kwargs, empty):
        """Call ``method`` (a chatter message, an activity and the mail that announces it) as
        the current user when that user can send mail (has an e-mail address), else, or when
        that fails, as the company's bot (OdooBot), the way Odoo's own automated messages are
        written. What still fails is logged and left out: never raised into the action of the
        user, whose work is kept (each attempt runs in its own savepoint)."""
        senders = []
        if self.env.user.email:
            senders.append(self)
        senders.append(self.with_user(SUPERUSER_ID))
        error = None
        for records in senders:
            try:
                with self.env.cr.savepoint():
                    return getattr(records, method)(**kwargs).with_env(self.env)
            except Exception as exc:  # whatever it is, it must not block the action
                error = exc
        _logger.info(
            "%s on %s %s not done (the action that caused it goes on): %s",
            method,
            self._name,
            self.ids,
            error,
        )
        return empty
