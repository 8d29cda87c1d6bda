# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ValidateAccountMove(models.TransientModel):
    _inherit = "validate.account.move"

    def validate_move(self):
        # account: "Post entries" on many invoices posts the compliant ones and reports the
        # ones the French compliance check refuses, instead of failing the whole batch
        if len(self.move_ids) <= 1:
            return super().validate_move()
        if self.ignore_abnormal_amount:
            self.abnormal_amount_partner_ids.ignore_abnormal_invoice_amount = True
        if self.ignore_abnormal_date:
            self.abnormal_date_partner_ids.ignore_abnormal_invoice_date = True
        if self.force_post:
            self.move_ids.auto_post = "no"
        return self.move_ids._fr_post_compliant(soft=not self.force_post)
