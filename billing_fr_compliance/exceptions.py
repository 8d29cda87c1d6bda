# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError


class FrGateRefusal(UserError):
    """The posting gate's refusal: a UserError (whoever posts in code catches it as any
    refusal to post) that the web client shows as a RedirectWarning, with a button opening
    the record to fix (static/src/js/gate_refusal.js registers the dialog). Its arguments
    are those of odoo.exceptions.RedirectWarning: message, action, button text, context."""

    def __init__(self, message, action, button_text):
        super().__init__(message)
        self.args = (message, action, button_text, None)

    def __str__(self):
        return self.args[0]
