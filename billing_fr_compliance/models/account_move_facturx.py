# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
import hashlib
import re

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import facturx_check, facturx_data


# one concern of account.move per file (issue 23): the fields and the write/_post
# overrides that call these methods are in models/account_move.py
class AccountMove(models.Model):
    """The Factur-X check of customer documents: built, validated, its status stored
    (at posting, by the scheduled action, on the Check Factur-X button), the XML
    downloaded; the data it is built from is in models/account_move_facturx_data.py."""

    _inherit = "account.move"

    def action_fr_facturx_check(self):
        """Button: build and validate the Factur-X XML, show the result and reload the form
        (status and messages)."""
        self.ensure_one()
        # the result is stored under sudo(): only on a document the user may read
        self.check_access("read")
        __, messages = self._fr_facturx_build(force=True)
        reload = {"type": "ir.actions.client", "tag": "soft_reload"}
        if messages:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "title": _("%(name)s: Factur-X not valid", name=self.name),
                    "message": "\n".join(messages),
                    "next": reload,
                },
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("%(name)s: Factur-X valid", name=self.name),
                "message": _("The XML passes the XSD and both schematrons (EN16931, BR-FR)."),
                "next": reload,
            },
        }

    def action_fr_facturx_download(self):
        """Button: download the Factur-X XML of the document (refused when it is not valid)."""
        self.ensure_one()
        # the result is stored under sudo(): only on a document the user may read
        self.check_access("read")
        if self.state != "posted" or not self.is_sale_document():
            raise UserError(
                _(
                    "%(name)s: only a posted customer invoice or credit note has a Factur-X XML.",
                    name=self.display_name,
                )
            )
        xml, messages = self._fr_facturx_build()
        if messages:
            raise UserError(self._fr_facturx_error_text(messages))
        name = "%s_factur-x.xml" % re.sub(r"[^\w-]+", "_", self.name)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", name)],
            limit=1,
        )
        if attachment:
            attachment.raw = xml
        else:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": name,
                    "raw": xml,
                    "mimetype": "application/xml",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/%s?download=true" % attachment.id,
            "target": "download",
        }

    # ------------------------------------------------------------------
    # Factur-X EN16931 of customer invoices and credit notes
    # ------------------------------------------------------------------

    def _fr_facturx_own_xml(self):
        """Whether the Factur-X (CII) builder of account_edi_ubl_cii makes our EN16931 XML for
        this document: a posted customer invoice or credit note of a French company."""
        self.ensure_one()
        return (
            self.state == "posted"
            and self.move_type in ("out_invoice", "out_refund")
            and self.company_id._fr_is_french()
        )

    def _fr_facturx_sent_as_facturx(self):
        """Whether Send & Print sends this document as Factur-X: our XML (see
        ``_fr_facturx_own_xml``) and the e-invoice format Odoo picks for its customer
        (``invoice_edi_format``) is Factur-X."""
        self.ensure_one()
        if not self._fr_facturx_own_xml():
            return False
        return self.env["account.move.send"]._get_default_invoice_edi_format(self) == "facturx"

    def _fr_facturx_check_posted(self):
        """Check the Factur-X of the documents sent as Factur-X as they are posted, so that
        their status shows at once; Send & Print reuses the result while the XML is the same.

        The check takes a tenth of a second or more per document (two schematrons): a posting
        of more than ``_fr_facturx_check_limit`` documents at once (a batch, a script) marks
        them "To Check" and leaves the check to the scheduled action, triggered at once, so
        that posting in bulk does not wait for it."""
        moves = self.filtered(lambda m: m.company_id._fr_is_french())
        moves = moves.filtered(lambda m: m._fr_facturx_sent_as_facturx())
        if len(moves) > self._fr_facturx_check_limit:
            moves._fr_facturx_store({"fr_facturx_state": "pending", "fr_facturx_checksum": False})
            cron = self.env.ref(
                "billing_fr_compliance.ir_cron_fr_facturx_check", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()
            return
        for move in moves:
            move._fr_facturx_build()

    @api.model
    def _fr_facturx_mark_before_install(self):
        """At install: the customer invoices and credit notes of French companies posted
        before the addon are marked "Posted before the French checks", in one UPDATE (no ORM
        write: their journal items and ``write_date`` stay as they were). They are not checked
        in bulk, nor flagged for rules they could not know: one is checked when someone asks
        (Check Factur-X) or when it is sent again.

        :return: the number of documents marked
        """
        self.flush_model(["fr_facturx_state", "move_type", "state", "company_id"])
        self.env.cr.execute(
            "SELECT DISTINCT company_id FROM account_move WHERE fr_facturx_state IS NULL"
            " AND move_type IN ('out_invoice', 'out_refund') AND state = 'posted'"
        )
        companies = self.env["res.company"].sudo().browse(row[0] for row in self.env.cr.fetchall())
        french = companies.filtered(lambda c: c._fr_is_french())
        if not french:
            return 0
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move
                   SET fr_facturx_state = 'before_install'
                 WHERE move_type IN ('out_invoice', 'out_refund')
                   AND state = 'posted'
                   AND fr_facturx_state IS NULL
                   AND company_id IN %s
                """,
                tuple(french.ids),
            )
        )
        self.invalidate_model(["fr_facturx_state"])
        return self.env.cr.rowcount

    def _fr_facturx_store(self, vals):
        """Store the Factur-X status fields (ours only) with SQL: an ORM write on a posted
        entry runs account's synchronisation of its journal items and changes its
        ``write_date``; the status of a check is not an edit of the document."""
        if not self:
            return
        self.flush_recordset(list(vals))
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(fname), value or None) for fname, value in vals.items()
        )
        self.env.cr.execute(
            SQL("UPDATE account_move SET %s WHERE id IN %s", assignments, tuple(self.ids))
        )
        self.invalidate_recordset(list(vals))

    @api.model
    def _cron_fr_facturx_check(self, batch=200):
        """Scheduled action: check the documents posted in bulk ("To Check")."""
        moves = self.search(
            [("fr_facturx_state", "=", "pending"), ("state", "=", "posted")], limit=batch + 1
        )
        for move in moves[:batch]:
            move._fr_facturx_build()
        if len(moves) > batch:  # the rest in the next run, started at once
            self.env.ref("billing_fr_compliance.ir_cron_fr_facturx_check")._trigger()

    def _fr_facturx_error_text(self, messages):
        return "\n".join(
            [
                _(
                    "%(name)s cannot be sent as Factur-X: fix the following and try again.",
                    name=self.display_name,
                )
            ]
            + ["- " + message for message in messages]
        )

    def _fr_facturx_build(self, force=False):
        """Build the Factur-X XML of this posted document and validate it (once per distinct
        XML: the status of an identical XML is reused unless ``force``).

        :return: (xml bytes, list of French messages, empty when valid); the status fields are
            updated.
        """
        self.ensure_one()
        try:
            xml = facturx_data.build_xml(self._fr_facturx_invoice_data())
        except ValueError as error:  # a datum the library refuses (no number, bad currency...)
            xml, messages, checksum = b"", [str(error)], False
        else:
            checksum = hashlib.sha256(facturx_check.VERSION.encode() + xml).hexdigest()
            if (
                not force
                and self.fr_facturx_state in ("valid", "error")
                and self.fr_facturx_checksum == checksum
            ):
                return xml, (self.fr_facturx_messages or "").splitlines()
            messages = facturx_check.user_messages(
                facturx_check.check(xml),
                self.env["ir.ui.menu"]._billing_menu_path("account.menu_account_config"),
            )
        vals = {
            "fr_facturx_state": "error" if messages else "valid",
            "fr_facturx_messages": "\n".join(messages) or False,
            "fr_facturx_checksum": checksum,
        }
        if any(self[fname] != value for fname, value in vals.items()):
            # the status is written by whoever renders the PDF, a portal customer included
            self.sudo()._fr_facturx_store(vals)
        return xml, messages
