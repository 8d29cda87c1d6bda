# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

# The fields of the legal identity, in the order of the help page; their help is the one
# shown by the ? of each field (one text for both, in the user's language).
LEGAL_IDENTITY_FIELDS = [
    ("res.partner", "siren"),
    ("res.partner", "siret"),
    ("res.partner", "vat"),
    ("res.company", "fr_rcs_kind"),
    ("res.company", "fr_rcs_city"),
    ("res.company", "fr_legal_form"),
    ("res.company", "fr_share_capital"),
    ("res.partner", "phone"),
]


class LegalHelp(http.Controller):
    @http.route("/billing_fr_compliance/help", type="http", auth="user", readonly=True)
    def legal_help(self):
        """Help on the French invoice mentions: each field of the legal identity with its
        help, then the mentions the posting gate checks. Opened from the user menu and named
        by the gate's refusal."""
        env = request.env
        entries = []
        for model, fname in LEGAL_IDENTITY_FIELDS:
            if fname not in env[model]._fields:
                continue
            description = env[model].fields_get([fname], ["string", "help"])[fname]
            entries.append(
                {
                    "anchor": fname,
                    "label": description["string"],
                    "help": description.get("help") or "",
                }
            )
        mentions = sorted(env["account.move"]._fr_mention_labels().values())
        return request.render(
            "billing_fr_compliance.legal_help_page",
            {"entries": entries, "mentions": mentions},
        )
