# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

# the help page on the French mentions (controllers/legal_help.py)
HELP_URL = "/billing_fr_compliance/help"


class FrGateRefusal(UserError):
    """The posting gate's refusal: a UserError (whoever posts in code catches it as any
    refusal to post) that the web client shows in a dialog of its own
    (static/src/js/gate_refusal.js): a button opening the record to fix when the first
    missing mention is fixed elsewhere than on the document (``action``, ``button_text``;
    none otherwise), Close, and Help opening the help page on the mentions. Its arguments
    begin as those of odoo.exceptions.RedirectWarning (message, action, button text,
    context), then the help page's address."""

    def __init__(self, message, action=None, button_text=None, help_url=HELP_URL):
        super().__init__(message)
        self.args = (message, action, button_text, None, help_url)

    def __str__(self):
        return self.args[0]
