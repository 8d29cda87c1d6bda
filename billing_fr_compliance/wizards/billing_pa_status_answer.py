# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BillingPaStatusAnswer(models.TransientModel):
    """The seller's answer to the buyer's 207 En litige or 208 Suspendue: 209 Complétée (the
    missing information or document is provided) or 220 Annulée (the invoice is replaced by a
    corrective invoice or cancelled by a credit note), sent to the platform as a CDAR."""

    _name = "billing.pa.status.answer"
    _description = "Answer to a Platform Status"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, readonly=True, check_company=True
    )
    current_status = fields.Char(related="move_id.billing_pa_status_label")
    current_reason = fields.Text(compute="_compute_current_reason")
    code = fields.Selection(
        selection=[
            ("209", "Completed (209): the information or document asked for is provided"),
            ("220", "Cancelled (220): the invoice is replaced or cancelled by a credit note"),
        ],
        string="Answer",
        required=True,
        default="209",
    )
    note = fields.Text(
        string="Message to the Buyer",
        help="What was completed or why the invoice is cancelled; sent in the status.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # the invoice's company, when the user may read the invoice and work in its company
        move = self.env["account.move"].browse(values.get("move_id"))
        if move and "company_id" in fields_list:
            move.check_access("read")
            if move.company_id in self.env.companies:
                values["company_id"] = move.company_id.id
        return values

    @api.depends("move_id")
    def _compute_current_reason(self):
        for wizard in self:
            latest = wizard.move_id.billing_pa_status_ids.filtered(lambda s: s.direction == "in")[
                :1
            ]
            wizard.current_reason = "\n".join(latest._billing_pa_explanation()) if latest else False

    def action_send(self):
        self.ensure_one()
        move = self.move_id
        # the status is written under sudo(): the user must be able to change the invoice
        move.check_access("write")
        if not move._billing_pa_can_emit():
            raise UserError(
                _(
                    "Invoice %(invoice)s cannot get a platform status: it must be a posted "
                    "customer invoice of a French company, to a customer with a SIREN, sent "
                    "to the e-invoicing platform.",
                    invoice=move.display_name,
                )
            )
        if self.code == "209" and not (self.note or "").strip():
            raise UserError(
                _(
                    "Invoice %(invoice)s: say in Message to the Buyer what was completed.",
                    invoice=move.display_name,
                )
            )
        move._billing_pa_emit_status(self.code, note=(self.note or "").strip() or None)
        return {"type": "ir.actions.act_window_close"}
