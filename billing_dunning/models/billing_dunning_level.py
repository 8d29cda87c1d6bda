# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class BillingDunningLevel(models.Model):
    _name = "billing.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    policy_id = fields.Many2one(
        "billing.dunning.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    delay_days = fields.Integer(
        string="Days after due date",
        help="The level is reached this many days after the invoice due date (plus the "
        "policy's grace days), or after the previous level when so set.",
    )
    delay_from = fields.Selection(
        [("due", "Due date"), ("previous", "Previous level")],
        string="Counted from",
        default="due",
        required=True,
    )
    channel_email = fields.Boolean(string="E-mail", default=True)
    channel_letter = fields.Boolean(string="Letter")
    channel_phone = fields.Boolean(string="Phone call")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail template",
        domain="[('model', '=', 'billing.dunning.reminder')]",
        help="Defaults to the reminder (or formal notice) template of this module.",
    )
    activity_user_id = fields.Many2one(
        "res.users",
        string="Call assigned to",
        check_company=True,
        help="User who gets the phone-call activity; the customer's salesperson when empty.",
    )
    add_penalties = fields.Boolean(
        string="Interest and indemnity",
        help="The reminder states the late interest and, between professionals, the 40 EUR "
        "recovery indemnity of each invoice.",
    )
    formal_notice = fields.Boolean(
        help="Last level: a formal notice (mise en demeure) with the deadline, the "
        "penalties, the indemnity and the next step."
    )

    @api.constrains("delay_days")
    def _check_delay_days(self):
        for level in self:
            if level.delay_days < 0:
                raise ValidationError(
                    _(
                        "Dunning level %(name)s: the delay in days cannot be negative "
                        "(field: Days after due date).",
                        name=level.name,
                    )
                )

    @api.constrains("formal_notice", "sequence", "policy_id")
    def _check_formal_notice_last(self):
        for policy in self.policy_id:
            levels = policy._sorted_levels()
            notices = levels.filtered("formal_notice")
            if notices and (len(notices) > 1 or notices != levels[-1]):
                raise ValidationError(
                    _(
                        "Policy %(name)s: only its last level can be a formal notice "
                        "(field: Formal notice).",
                        name=policy.name,
                    )
                )

    def _get_mail_template(self):
        self.ensure_one()
        if self.mail_template_id:
            return self.mail_template_id
        xmlid = (
            "billing_dunning.mail_template_formal_notice"
            if self.formal_notice
            else "billing_dunning.mail_template_reminder"
        )
        return self.env.ref(xmlid)
