# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models


class ValidateAccountMove(models.TransientModel):
    _inherit = "validate.account.move"

    def validate_move(self):
        # account: "Post entries" keeps the documents the French gate refuses out of the batch
        # and reports them; Odoo's wizard posts the others (auto-post of future entries, tax
        # closing, bills auto-validation)
        ok, refused, warnings = self.move_ids._fr_gate_split()
        if not refused:
            return super(
                ValidateAccountMove, self.with_context(fr_gate_warnings=warnings)
            ).validate_move()
        if len(self.move_ids) == 1:
            # the refusal of the Confirm button: recorded, its dialog with the record to fix
            # and the help
            self.move_ids._fr_raise_refusal(refused)
        # what the clerk is shown is recorded as a refusal of the gate (billing quality)
        self.move_ids._fr_record_refusals(refused)
        action = {"type": "ir.actions.act_window_close"}
        if ok:
            self.move_ids = ok
            action = super(
                ValidateAccountMove, self.with_context(fr_gate_warnings=warnings)
            ).validate_move()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _(
                    "%(posted)s document(s) posted, %(refused)s refused",
                    posted=len(ok.filtered(lambda m: m.state == "posted")),
                    refused=len(refused),
                ),
                "message": self.env["account.move"]._fr_format_issues(refused),
                "type": "warning",
                "sticky": True,
                "next": action,
            },
        }
