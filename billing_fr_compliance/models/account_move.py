# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..tools import legal_text


# account.move, one concern per file (issue 23): here its fields and the overrides that
# run the others (write, _post); the posting gate and its messages in account_move_gate.py,
# the legal snapshot in account_move_snapshot.py, the Factur-X check in
# account_move_facturx.py and its data in account_move_facturx_data.py; the platform in
# account_move_pa.py and account_move_cdar*.py, e-reporting in account_move_ereport.py
class AccountMove(models.Model):
    _inherit = "account.move"

    # ---- legal mentions and snapshot
    fr_is_french = fields.Boolean(
        string="French Company",
        compute="_compute_fr_is_french",
        help="The company's fiscal country is French: the French mentions, the compliance "
        "check and Factur-X apply to its invoices.",
    )
    fr_operation_nature = fields.Selection(
        selection=[("goods", "Goods"), ("services", "Services"), ("mixed", "Goods and services")],
        string="Nature of the Operation",
        compute="_compute_fr_operation_nature",
        store=True,
        help="Goods, services or both, from the products of the invoice lines (2026 mention).",
    )
    fr_customer_type = fields.Selection(
        related="commercial_partner_id.billing_customer_type", string="Customer Type"
    )
    fr_legal_snapshot = fields.Json(
        string="Frozen Legal Data",
        copy=False,
        readonly=True,
        help="Legal data printed on the document, stored when it is posted so that a reprint "
        "years later is identical.",
    )

    # ---- legal mentions gate
    fr_compliance_status = fields.Selection(
        selection=[
            ("unchecked", "Not checked"),
            ("compliant", "Compliant"),
            ("missing", "Mentions missing"),
        ],
        string="Legal Compliance",
        default="unchecked",
        copy=False,
        readonly=True,
        help="Result of the last check of the French mandatory mentions (Check Compliance "
        "button, or posting).",
    )
    fr_compliance_issues = fields.Text(
        string="Missing Mentions",
        copy=False,
        readonly=True,
        help="What the last compliance check found missing, and where to fix each item.",
    )

    # ---- credit notes
    fr_credit_reason = fields.Char(
        string="Credit Note Reason",
        copy=False,
        help="Why this credit note is issued; printed on it.",
    )
    fr_force_credit = fields.Boolean(
        string="Allow Credit Beyond Invoice",
        copy=False,
        groups="account.group_account_manager",
        help="Set by a billing manager to post a credit note whose total, with the other "
        "credit notes of the same invoice, exceeds the invoice.",
    )

    # ---- Factur-X EN16931
    # posting more documents at once leaves their Factur-X check to the scheduled action
    _fr_facturx_check_limit = 10
    fr_facturx_state = fields.Selection(
        selection=[
            ("pending", "To Check"),
            ("valid", "Valid"),
            ("error", "Errors"),
            ("before_install", "Posted before the French checks"),
        ],
        string="Factur-X",
        copy=False,
        readonly=True,
        help="Result of the last Factur-X check (XSD, Factur-X EN16931 and French CTC "
        "schematrons). Only a valid document is sent with its Factur-X XML. A document "
        "posted before the addon was installed is checked when someone asks (Check "
        "Factur-X) or sends it again, never in bulk.",
    )
    fr_facturx_messages = fields.Text(
        string="Factur-X Errors",
        copy=False,
        readonly=True,
        help="Each rule the document breaks, with where to fix it.",
    )
    fr_facturx_checksum = fields.Char(
        string="Checked Factur-X XML",
        copy=False,
        readonly=True,
        help="Fingerprint of the XML the status was computed on: the same XML is not checked "
        "twice.",
    )
    fr_facturx_applicable = fields.Boolean(
        string="Sent as Factur-X",
        compute="_compute_fr_facturx_applicable",
        help="Posted customer invoice or credit note of a French company whose customer's "
        "e-invoice format is Factur-X.",
    )

    @api.depends("company_id.account_fiscal_country_id")
    def _compute_fr_is_french(self):
        for move in self:
            move.fr_is_french = move.company_id._fr_is_french()

    @api.depends("move_type", "invoice_line_ids.product_id.type", "invoice_line_ids.display_type")
    def _compute_fr_operation_nature(self):
        # hooks.fill_operation_nature computes the same in SQL for the history
        for move in self:
            if not move.is_invoice(include_receipts=True):
                # a payment or miscellaneous entry has no nature of operation
                move.fr_operation_nature = False
                continue
            lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            move.fr_operation_nature = legal_text.operation_nature(
                [line.product_id.type or None for line in lines]
            )

    @api.depends("state", "move_type", "company_id", "partner_id.invoice_edi_format")
    def _compute_fr_facturx_applicable(self):
        for move in self:
            move.fr_facturx_applicable = move._fr_facturx_sent_as_facturx()

    def write(self, vals):
        # account: a checked draft that is edited is no longer known to be compliant
        res = super().write(vals)
        if not {"fr_compliance_status", "state"} & set(vals) and not self.env.context.get(
            "fr_gate_posting"
        ):
            stale = self.filtered(
                lambda m: m.state == "draft" and m.fr_compliance_status != "unchecked"
            )
            if stale:
                stale.write({"fr_compliance_status": "unchecked", "fr_compliance_issues": False})
        return res

    def _post(self, soft=True):
        # account: refuse customer documents that lack a mandatory mention (the gate), then
        # freeze the legal data of customer documents as they are posted
        warnings = self.env.context.get("fr_gate_warnings")
        if warnings is None:
            __, refused, warnings = self._fr_gate_split()
            if refused:
                self._fr_raise_refusal(refused)
        posted = super(AccountMove, self.with_context(fr_gate_posting=True))._post(soft=soft)
        posted = posted.with_env(self.env)
        for move in posted.filtered(
            lambda m: m.is_sale_document()
            and not m.fr_legal_snapshot
            and m.company_id._fr_is_french()
        ):
            move.fr_legal_snapshot = move._fr_build_legal_snapshot()
        posted._fr_facturx_check_posted()
        for move in posted.filtered(lambda m: m.id in warnings):
            move._billing_message_post(
                body=_(
                    "Posted although French mandatory mentions are missing:\n%(issues)s",
                    issues=warnings[move.id],
                )
            )
        return posted
