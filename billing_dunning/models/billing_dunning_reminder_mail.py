# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging
from collections import defaultdict
from uuid import uuid4

from markupsafe import escape

from odoo import SUPERUSER_ID, models
from odoo.tools import SQL, clean_context, split_every

from odoo.addons.mail.models.mail_message import _image_dataurl

_logger = logging.getLogger(__name__)

MAIL_BATCH = "billing_dunning_mail_batch"
# the keywords of message_post that differ from one message of a batch to the next
PER_RECORD = ("body", "subject", "partner_ids", "attachments", "attachment_ids")


class BillingDunningReminder(models.Model):
    """The e-mail of a batch of reminders: each level's template rendered by Odoo in each
    customer's language, compiled once for the batch; each message posted in the
    reminder's chatter by Odoo's ``message_post`` (followers and notifications as Odoo
    does), the e-mails (``mail.mail``) and their notifications queued in one batch."""

    _inherit = "billing.dunning.reminder"

    def _dunning_by_template(self):
        """``{mail.template: reminders}``: these reminders by their level's template."""
        by_level = defaultdict(list)
        for reminder in self:
            by_level[reminder.level_id].append(reminder.id)
        by_template = defaultdict(list)
        for level, ids in by_level.items():
            by_template[level._get_mail_template()].extend(ids)
        return {template: self.browse(ids) for template, ids in by_template.items()}

    def _dunning_mail_contents(self):
        """``{reminder id: (subject, body)}`` of these reminders' e-mails.

        Rendered by Odoo's ``mail.template._render_field`` for each level's template, in
        each contact's language (the template's ``lang``), exactly as it renders one
        record; the body's QWeb is compiled once per template and language for the batch
        (``ir.qweb._billing_compile_once``) instead of once per reminder. The template's
        attachments (e.g. the customer statement added to its reports) are in
        ``_dunning_mail_attachments``."""
        by_template = self._dunning_by_template()
        contents = {}
        memo = {}  # see _dunning_bank_account
        with self.env["ir.qweb"]._billing_compile_once() as compile_once:
            for template, batch in by_template.items():
                template = template.with_context(**compile_once)
                subjects = template._render_field("subject", batch.ids, compute_lang=True)
                bodies = template._render_field("body_html", batch.ids, compute_lang=True)
                for reminder in batch:
                    body = bodies[reminder.id]
                    if 'id="dunning_how_to_pay"' not in body:
                        # a template of an older version (data kept at upgrade) or
                        # customised without it: the customer still learns how to pay
                        body += reminder.with_context(
                            lang=reminder.contact_id.lang
                            or reminder.partner_id.lang
                            or self.env.lang
                        )._dunning_payment_html(for_mail=True, memo=memo)
                    contents[reminder.id] = (subjects[reminder.id], body)
        return contents

    def _dunning_post_emails(self):
        """Post and queue the e-mail of each of these reminders; returns ``{reminder id:
        mail.message}`` (an empty recordset where it could not be written).

        As ``_billing_message_post``: as the current user when that user has an e-mail
        address, else as the bot; never raises. The whole batch is written in one
        savepoint; when it fails, each reminder is posted on its own (the failing one is
        logged and left out)."""
        if not self:
            return {}
        contents = self._dunning_mail_contents()
        attachments = self._dunning_mail_attachments()
        senders = [self] if self.env.user.email else []
        senders.append(self.with_user(SUPERUSER_ID))
        for records in senders:
            try:
                with self.env.cr.savepoint():
                    messages = records._dunning_post_batch(contents, attachments)
                return {rid: message.with_env(self.env) for rid, message in messages.items()}
            except Exception as exc:  # one by one below: the batch must not block the run
                _logger.info(
                    "Dunning: e-mails of %s reminders not written in one batch, one by one: %s",
                    len(self),
                    exc,
                )
        messages = {}
        for reminder in self.with_context(mail_notify_force_send=False):
            subject, body = contents[reminder.id]
            messages[reminder.id] = reminder._billing_message_post(
                **reminder._dunning_post_values(subject, body, attachments.get(reminder.id))
            )
        return messages

    def _dunning_mail_attachments(self):
        """``{reminder id: {"attachments": [(name, raw)], "attachment_ids": [ids]}}``: the
        reports of each level's template rendered for each reminder and its static files,
        as Odoo's ``mail.template`` generates them (only for templates that have some)."""
        by_template = {
            template: batch
            for template, batch in self._dunning_by_template().items()
            if template.report_template_ids or template.attachment_ids
        }
        result = {}
        for template, batch in by_template.items():
            for res_id, values in template._generate_template_attachments(
                batch.ids, ["attachment_ids", "report_template_ids"]
            ).items():
                result[res_id] = {
                    "attachments": [
                        (name, base64.b64decode(content))
                        for name, content in values.get("attachments", [])
                    ],
                    "attachment_ids": values.get("attachment_ids", []),
                }
        return result

    def _dunning_post_values(self, subject, body, attachments=None):
        self.ensure_one()
        return {
            **(attachments or {}),
            "body": body,
            "subject": subject,
            "partner_ids": self.contact_id.ids,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            "email_layout_xmlid": "mail.mail_notification_light",
        }

    def _dunning_post_batch(self, contents, attachments):
        """``message_post`` on each reminder (``_dunning_message_post_batch``: the messages
        created together), its e-mails collected by ``_notify_thread_by_email`` and created
        together at the end."""
        token = uuid4().hex
        pending = self.env.cr.cache.setdefault(MAIL_BATCH, {})[token] = []
        try:
            records = self.with_context(mail_notify_force_send=False, **{MAIL_BATCH: token})
            messages = records._dunning_message_post_batch(
                {
                    reminder.id: reminder._dunning_post_values(
                        *contents[reminder.id], attachments.get(reminder.id)
                    )
                    for reminder in self
                }
            )
            self._dunning_create_mails(pending)
        finally:
            self.env.cr.cache[MAIL_BATCH].pop(token, None)
        return messages

    def _dunning_message_post_batch(self, post_values):
        """Odoo's ``message_post`` on each of these records with its ``post_values[id]``
        (the keywords of ``message_post``), the ``mail.message`` of all created by one
        ``_message_create``; returns ``{record id: mail.message}``.

        The steps of mail's ``message_post`` (Odoo 18.0), each with Odoo's own helper and
        the values it computes, the batch ones called once for all the records: author,
        subtype, record name, parent (the thread's first message), alias domain, company,
        reply-to, attachments; then for each message Odoo's ``_message_post_after_hook``
        and ``_notify_thread`` (followers, inbox, e-mail, push). The overrides of
        ``message_post`` on every thread (sms for SMS messages, rating for ratings) do
        nothing for these messages. A public user (guests) gets one ``message_post`` per
        record."""
        if not self:
            return {}
        shared = [
            {key: val for key, val in post_values[record.id].items() if key not in PER_RECORD}
            for record in self
        ]
        first = shared[0]
        if (
            self.env.user._is_public()
            or any(values != first for values in shared)
            or set(first) & {"author_id", "email_from", "parent_id", "body_is_html"}
        ):
            return {record.id: record.message_post(**post_values[record.id]) for record in self}
        records = self._fallback_lang()
        Message = self.env["mail.message"]
        message_type = first.pop("message_type", "notification")
        subtype_xmlid = first.pop("subtype_xmlid", None)
        subtype_id = first.pop("subtype_id", False)
        kwargs = first
        records._raise_for_invalid_parameters(
            set(kwargs), forbidden_names={"model", "res_id", "subtype"}
        )
        if message_type == "user_notification":
            raise ValueError("Use message_notify to send a notification to an user.")
        msg_kwargs = {key: val for key, val in kwargs.items() if key in Message._fields}
        notif_kwargs = {key: val for key, val in kwargs.items() if key not in msg_kwargs}
        author_id, email_from = records._message_compute_author(None, None, raise_on_email=True)
        if subtype_xmlid:
            subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid)
        if not subtype_id:
            subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        if records._context.get("mail_post_autofollow"):
            for record in records:
                if post_values[record.id].get("partner_ids"):
                    record.message_subscribe(
                        partner_ids=list(post_values[record.id]["partner_ids"])
                    )
        parents = records._dunning_first_messages()
        alias_domains = records.sudo()._mail_get_alias_domains(default_company=self.env.company)
        companies = records._mail_get_companies(default=self.env.company)
        reply_tos = records._notify_get_reply_to(default=email_from)
        values_list = []
        for record in records:
            values = post_values[record.id]
            msg_values = dict(msg_kwargs)
            msg_values.setdefault("email_add_signature", True)
            if not msg_values.get("record_name"):
                msg_values["record_name"] = record.sudo().display_name
            msg_values.update(
                {
                    "author_id": author_id,
                    "author_guest_id": False,
                    "email_from": email_from,
                    "model": record._name,
                    "res_id": record.id,
                    "body": escape(values.get("body", "")),
                    "message_type": message_type,
                    "parent_id": parents.get(record.id, False),
                    "subject": values.get("subject") or False,
                    "subtype_id": subtype_id,
                    "partner_ids": list(values.get("partner_ids") or []),
                }
            )
            msg_values.setdefault("record_alias_domain_id", alias_domains[record.id].id)
            msg_values.setdefault("record_company_id", companies[record.id].id)
            msg_values.setdefault("reply_to", reply_tos[record.id])
            msg_values.update(
                record._process_attachments_for_post(
                    values.get("attachments"), list(values.get("attachment_ids") or []), msg_values
                )
            )
            values_list.append(msg_values)
        messages = records._dunning_message_create(values_list)
        if not records._context.get("mail_create_nosubscribe") and message_type != "notification":
            # the author follows the documents to receive the answers, as message_post does
            real_author = self.env.user.partner_id if self.env.user.active else False
            if not real_author and author_id:
                real_author = self.env["res.partner"].browse(author_id)
                real_author = real_author if real_author.active else False
            if real_author:
                records._message_subscribe(partner_ids=real_author.ids)
        result = {}
        for record, message, msg_values in zip(records, messages, values_list, strict=True):
            record._message_post_after_hook(message, msg_values)
            # a message just created has no tracking values: the e-mail's rendering
            # context need not search for them (one query per message)
            record._notify_thread(message, dict(msg_values, tracking_value_ids=[]), **notif_kwargs)
            result[record.id] = message
        return result

    def _dunning_message_create(self, values_list):
        """``_message_create(values_list)`` with each body sanitized once instead of twice.

        Creating a ``mail.message`` sanitizes its HTML body twice with the same function
        and options (``fields.Html``: once for the column, once for the cache), half of the
        time of the creation. Here the messages are created without their body, then each
        body is sanitized once by the field itself (``convert_to_cache``, what both calls
        return) and written to the column and the cache. A body with inline images
        (``data:`` URLs, which ``mail.message.create`` turns into attachments) is left to
        the creation."""
        Message = self.env["mail.message"]
        field = Message._fields["body"]
        later = [
            bool(values.get("body"))
            and not field.sanitize_overridable
            and not _image_dataurl.search(values["body"])
            for values in values_list
        ]
        messages = self._message_create(
            [
                dict(values, body="") if body_later else values
                for values, body_later in zip(values_list, later, strict=True)
            ]
        )
        todo = [
            (message, values["body"])
            for message, values, body_later in zip(messages, values_list, later, strict=True)
            if body_later
        ]
        if not todo:
            return messages
        bodies = [field.convert_to_cache(body, message) for message, body in todo]
        done = Message.browse([message.id for message, _body in todo])
        done.flush_recordset(["body"])
        self.env.cr.execute(
            SQL(
                "UPDATE mail_message m SET body = v.body FROM (VALUES %s) AS v(id, body) "
                "WHERE m.id = v.id",
                SQL(", ").join(
                    SQL("(%s, %s)", message.id, str(body or ""))
                    for (message, _body), body in zip(todo, bodies, strict=True)
                ),
            )
        )
        self.env.cache.update(done, field, bodies)
        done.modified(["body"])
        return messages

    def _dunning_first_messages(self):
        """``{record id: id of its first message}`` where the thread is flat
        (``_message_compute_parent_id`` without parent, in one query)."""
        if not self._mail_flat_thread:
            return {}
        groups = (
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("res_id", "in", self.ids),
                    ("model", "=", self._name),
                    ("message_type", "!=", "user_notification"),
                ],
                groupby=["res_id"],
                aggregates=["id:min"],
            )
        )
        return dict(groups)

    def _dunning_create_mails(self, pending):
        """Create the ``mail.mail`` of ``pending`` (``[(message, recipient ids, values)]``)
        in one batch, then their e-mail notifications, as Odoo's
        ``_notify_thread_by_email`` creates them one message at a time."""
        if not pending:
            return
        context = clean_context(self.env.context)
        context.pop(MAIL_BATCH, None)
        mails = self.env(context=context)["mail.mail"].sudo().create([v for *_, v in pending])
        self.env(context=context)["mail.notification"].sudo().create(
            [
                {
                    "author_id": message.author_id.id,
                    "is_read": True,  # discard Inbox notification
                    "mail_mail_id": mail.id,
                    "mail_message_id": message.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": partner_id,
                }
                for (message, recipient_ids, _values), mail in zip(pending, mails, strict=True)
                for partner_id in recipient_ids
            ]
        )

    def _notify_thread_by_email(
        self,
        message,
        recipients_data,
        msg_vals=False,
        mail_auto_delete=True,
        model_description=False,
        force_email_company=False,
        force_email_lang=False,
        subtitles=None,
        resend_existing=False,
        force_send=True,
        send_after_commit=True,
        **kwargs,
    ):
        """In a batch of ``_dunning_post_batch``: the e-mails of ``message`` are made with
        Odoo's own steps (recipients classified, layout rendered, final values), queued in
        the batch instead of created one by one (never sent at once)."""
        token = self.env.context.get(MAIL_BATCH)
        pending = self.env.cr.cache.get(MAIL_BATCH, {}).get(token) if token else None
        if pending is None or resend_existing:
            return super()._notify_thread_by_email(
                message,
                recipients_data,
                msg_vals=msg_vals,
                mail_auto_delete=mail_auto_delete,
                model_description=model_description,
                force_email_company=force_email_company,
                force_email_lang=force_email_lang,
                subtitles=subtitles,
                resend_existing=resend_existing,
                force_send=force_send,
                send_after_commit=send_after_commit,
                **kwargs,
            )
        partners_data = [r for r in recipients_data if r["notif"] == "email"]
        if not partners_data:
            return True
        base_mail_values = self._notify_by_email_get_base_mail_values(
            message, additional_values={"auto_delete": mail_auto_delete}
        )
        batch_size = int(self.env["ir.config_parameter"].sudo().get_param("mail.batch_size")) or 50
        for _lang, render_values, group in self._notify_get_classified_recipients_iterator(
            message,
            partners_data,
            msg_vals=msg_vals,
            model_description=model_description,
            force_email_company=force_email_company,
            force_email_lang=force_email_lang,
            subtitles=subtitles,
        ):
            body = self._notify_by_email_render_layout(
                message, group, msg_vals=msg_vals, render_values=render_values
            )
            recipient_ids = group.pop("recipients")
            for chunk in split_every(batch_size, recipient_ids):
                values = self._notify_by_email_get_final_mail_values(
                    chunk, base_mail_values, additional_values={"body_html": body}
                )
                pending.append((message, list(chunk), values))
        return True
