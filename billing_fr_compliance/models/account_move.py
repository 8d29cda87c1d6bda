# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from ..exceptions import FrGateRefusal
from ..tools import facturx_check, facturx_data, legal_text, mentions


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

    def action_fr_check_compliance(self):
        """Check the mandatory mentions of draft customer documents and store the result."""
        moves = self.filtered(lambda m: m.is_sale_document() and m.state == "draft")
        issues = moves._fr_compliance_issues()
        moves._fr_store_compliance(issues)
        missing = {move: text for move, text in issues.items() if text}
        if missing:
            message = self._fr_format_issues(missing)
            kind = "warning"
        else:
            message = _("Every mandatory mention is present.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("French mandatory mentions"),
                "message": message,
                "type": kind,
                "sticky": bool(missing),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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
    # The gate
    # ------------------------------------------------------------------

    def _fr_gate_split(self):
        """Apply the gate to ``self``: return (moves it lets through, {move: issues text} it
        refuses, {move id: issues text} it lets through with a warning)."""
        checked = self.filtered(
            lambda m: m.state == "draft"
            and m.is_sale_document()
            and m.company_id._fr_gate_applies()
        )
        issues = checked._fr_compliance_issues()
        excess = self.filtered(lambda m: m.company_id._fr_is_french())._fr_credit_excess_issues()
        for move, text in excess.items():
            issues[move] = "\n".join(filter(None, [issues.get(move), text]))
        checked._fr_store_compliance(issues)
        refused, warnings = {}, {}
        for move, text in issues.items():
            if not text:
                continue
            if move.company_id.fr_gate_mode == "warn" and move not in excess:
                warnings[move.id] = text
            else:
                refused[move] = text
        ok = self.filtered(lambda m: m not in refused)
        return ok, refused, warnings

    def _fr_raise_refusal(self, refused):
        """Refuse posting with every missing mention, and a button that opens the record to
        fix first (customer, company, delivery address, journal or fiscal position)."""
        message = self._fr_format_refusal(refused)
        for move in refused:
            action = move._fr_fix_action()
            if action:
                raise FrGateRefusal(message, action, action.pop("button_text"))
        raise UserError(message)

    def _fr_fix_action(self):
        """The window action opening the record where the first mention this draft lacks
        is fixed, with its button label, or None when it is fixed on the invoice itself."""
        self.ensure_one()
        doc = self._fr_describe()[self.id]
        targets = {
            "customer": (self.commercial_partner_id, _("Open the customer")),
            "delivery_address": (self.partner_shipping_id, _("Open the delivery address")),
            "company": (self.company_id, _("Open the company")),
            "journal": (self.journal_id, _("Open the journal")),
            "fiscal_position": (self.fiscal_position_id, _("Open the fiscal position")),
        }
        for item in mentions.missing_mentions(doc):
            record, label = targets.get(item["where"], (None, None))
            if record:
                return {
                    "type": "ir.actions.act_window",
                    "name": record.display_name,
                    "res_model": record._name,
                    "res_id": record.id,
                    "views": [(False, "form")],
                    "target": "current",
                    "button_text": label,
                }
        return None

    def _fr_store_compliance(self, issues):
        compliant = self.filtered(lambda m: not issues.get(m))
        if compliant:
            compliant.write({"fr_compliance_status": "compliant", "fr_compliance_issues": False})
        for move in self - compliant:
            move.write({"fr_compliance_status": "missing", "fr_compliance_issues": issues[move]})

    def _fr_compliance_issues(self):
        """{move: translated text listing every missing mention and where to fix it}."""
        docs = self._fr_describe()
        result = {}
        for move in self:
            missing = mentions.missing_mentions(docs[move.id])
            result[move] = "\n".join(move._fr_issue_line(item) for item in missing)
        return result

    def _fr_issue_line(self, item):
        """One missing mention as '- <what> (line X). Fix it in: <where>'."""
        self.ensure_one()
        labels = self._fr_mention_labels()
        text = "- " + labels.get(item["code"], item["code"])
        if item.get("line"):
            text += " " + _("(line %(line)s)", line=item["line"])
        return text + ". " + _("Fix it in: %(where)s", where=self._fr_where_label(item["where"]))

    def _fr_where_label(self, where):
        self.ensure_one()
        if where == "company":
            return _(
                "%(menu)s > Facturation France, or the company form (%(company)s)",
                menu=self.env["ir.ui.menu"]._billing_menu_path("account.menu_account_config"),
                company=self.company_id.name,
            )
        if where == "customer":
            return _("the customer form (%(partner)s)", partner=self.commercial_partner_id.name)
        if where == "delivery_address":
            return _(
                "the delivery address (%(partner)s)", partner=self.partner_shipping_id.display_name
            )
        if where == "fiscal_position":
            return _(
                "the fiscal position of the invoice (%(position)s) or the taxes of its lines",
                position=self.fiscal_position_id.name or _("none"),
            )
        if where == "journal":
            return _("the sequence of the journal %(journal)s", journal=self.journal_id.name)
        return {
            "invoice": _("the invoice: Customer Reference field"),
            "lines": _("the invoice lines"),
            "payment_terms": _("the payment terms or due date of the invoice"),
            "credit_note": _("the credit note: Original Invoice and Credit Note Reason fields"),
        }.get(where, where)

    @api.model
    def _fr_mention_labels(self):
        return {
            "seller_name": _("Seller name"),
            "seller_address": _("Seller address"),
            "buyer_name": _("Customer name"),
            "buyer_address": _("Customer address (street, zip, city, country)"),
            "seller_siren": _("Seller SIREN"),
            "seller_register": _("Seller register: RCS or RM and its city"),
            "seller_legal_form": _("Seller legal form"),
            "seller_share_capital": _("Seller share capital"),
            "seller_vat": _("Seller intra-EU VAT number"),
            "buyer_vat": _("Customer intra-EU VAT number"),
            "buyer_siren": _("Customer SIREN"),
            "buyer_siren_invalid": _(
                "Valid customer SIREN (9 digits with a correct check key): the one recorded "
                "is wrong"
            ),
            "delivery_address": _("Complete delivery address"),
            "operation_nature": _("Nature of the operation (goods, services or both)"),
            "number_format": _(
                "Document number of at most 35 characters among letters, digits, + - _ /"
            ),
            "invoice_date": _("Invoice date"),
            "no_lines": _("At least one invoice line"),
            "line_description": _("Line description"),
            "line_quantity": _("Line quantity"),
            "line_tax": _("Line VAT rate"),
            "line_tax_rate": _("VAT rate allowed in France (20, 10, 5.5, 2.1 %...)"),
            "line_taxed_under_exemption": _(
                "No VAT on a line of an exempt or reverse-charged operation"
            ),
            "line_taxed_out_of_scope": _(
                "No VAT on a line outside the scope of VAT (Outside the Scope of VAT ticked)"
            ),
            "exemption_reason": _(
                "Exemption wording for the 0 % VAT lines (fiscal position with a VAT regime)"
            ),
            "purchase_order": _("Customer purchase order number"),
            "due_date": _("Due date"),
            "due_date_before_invoice_date": _("Due date not before the invoice date"),
            "payment_term_too_long": _(
                "Due date within 60 days of the invoice date or 45 days end of month"
            ),
            "penalty_rate": _("Late payment penalty rate"),
            "penalty_rate_below_floor": _(
                "Late payment penalty rate of at least three times the legal interest rate"
            ),
            "indemnity": _("40 EUR fixed indemnity for recovery costs"),
            "early_discount": _("Early payment discount terms"),
            "credit_origin": _("Original invoice of the credit note"),
            "credit_origin_date": _("Date of the original invoice"),
            "credit_reason": _("Reason of the credit note"),
        }

    def _fr_format_issues(self, issues):
        blocks = []
        for move, text in issues.items():
            title = _(
                "%(move)s (%(partner)s):", move=move._fr_label(), partner=move.partner_id.name or ""
            )
            blocks.append(title + "\n" + text)
        return "\n\n".join(blocks)

    def _fr_format_refusal(self, refused):
        return (
            _("These documents cannot be posted: French mandatory mentions are missing.")
            + "\n\n"
            + self._fr_format_issues(refused)
        )

    def _fr_label(self):
        self.ensure_one()
        if self.name and self.name != "/":
            return self.name
        return _("Draft %(type)s #%(id)s", type=self._fr_type_label(), id=self.id)

    def _fr_type_label(self):
        return _("credit note") if self.move_type == "out_refund" else _("invoice")

    # ------------------------------------------------------------------
    # The document as plain data (one pass, prefetched)
    # ------------------------------------------------------------------

    def _fr_describe(self):
        """{move id: the document as plain data for tools/mentions.py}."""
        rates = {}
        companies = {}
        result = {}
        for move in self:
            company = move.company_id
            date = move.invoice_date or fields.Date.context_today(move)
            if company.id not in companies:
                companies[company.id] = company._fr_seller_data()
            key = (company.id, date)
            if key not in rates:
                rates[key] = (
                    company._fr_penalty_rate_on(date),
                    company._fr_penalty_rate_floor(date),
                )
            partner = move.commercial_partner_id
            customer_type = partner.billing_customer_type
            doc = {
                "move_type": move.move_type,
                "number": move.name if move.name and move.name != "/" else None,
                "invoice_date": date,
                "due_date": move.invoice_date_due or date,
                "customer_type": customer_type,
                "nature": move.fr_operation_nature,
                "regime": move.fiscal_position_id.fr_vat_regime or "standard",
                "seller": companies[company.id],
                "buyer": partner._fr_party_data(),
                "delivery": move._fr_delivery_data(),
                "purchase_order_required": partner.billing_po_required
                and move.move_type == "out_invoice",
                "purchase_order": move.ref if move.move_type == "out_invoice" else "",
                "penalty_rate": rates[key][0],
                "penalty_floor": rates[key][1],
                "indemnity_text": legal_text.indemnity_text(customer_type),
                "early_discount_text": company.fr_early_discount_text,
                "lines": [
                    {
                        "name": line.name,
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                        "tax_rates": [
                            tax.amount
                            for tax in line.tax_ids.flatten_taxes_hierarchy()
                            if tax.amount_type in ("percent", "division")
                        ],
                        "out_of_scope": line.billing_vat_out_of_scope,
                    }
                    for line in move.invoice_line_ids
                    if line.display_type == "product"
                ],
            }
            if move.move_type == "out_refund":
                origin = move.reversed_entry_id
                doc["credit_note"] = {
                    "origin_number": origin.name if origin.name != "/" else "",
                    "origin_date": origin.invoice_date,
                    "reason": move.fr_credit_reason,
                }
            result[move.id] = doc
        return result

    def _fr_delivery_data(self):
        """The delivery address when it differs from the customer's, else None."""
        self.ensure_one()
        shipping = self.partner_shipping_id
        partner = self.partner_id
        if not shipping or shipping == partner:
            return None
        keys = ("street", "zip", "city", "country_id")
        if all(shipping[key] == partner[key] for key in keys):
            return None
        return shipping._fr_party_data()

    # ------------------------------------------------------------------
    # Credit notes: never more than the invoice
    # ------------------------------------------------------------------

    def _fr_credit_excess_issues(self):
        """{credit note: text} for the draft credit notes that would credit more than their
        original invoice still allows, unless a billing manager forced them."""
        refunds = self.filtered(
            lambda m: m.state == "draft"
            and m.move_type == "out_refund"
            and m.reversed_entry_id
            and not m.sudo().fr_force_credit
        )
        if not refunds:
            return {}
        origins = refunds.reversed_entry_id
        credited = dict(
            self.env["account.move"]._read_group(
                [
                    ("reversed_entry_id", "in", origins.ids),
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                ],
                ["reversed_entry_id"],
                ["amount_total:sum"],
            )
        )
        result = {}
        for refund in refunds:
            origin = refund.reversed_entry_id
            total = credited.get(origin, 0.0) + refund.amount_total
            credited[origin] = total
            rounding = origin.currency_id.rounding
            if float_compare(total, origin.amount_total, precision_rounding=rounding) > 0:
                result[refund] = "- " + _(
                    "The credit notes of %(invoice)s would total %(credited)s, more than the "
                    "invoice (%(total)s). Fix it in: the credit note lines, or have a billing "
                    'manager tick "Allow Credit Beyond Invoice".',
                    invoice=origin.name,
                    credited=total,
                    total=origin.amount_total,
                )
        return result

    # ------------------------------------------------------------------
    # Legal snapshot: the data the printed document shows
    # ------------------------------------------------------------------

    def _fr_build_legal_snapshot(self):
        """The legal data the document prints, as plain data (see tools/legal_text.py)."""
        self.ensure_one()
        company = self.company_id
        date = self.invoice_date or fields.Date.context_today(self)
        customer_type = self.commercial_partner_id.billing_customer_type
        rate = company._fr_penalty_rate_on(date)
        data = {
            "company_name": company.name,
            "legal_form": company.fr_legal_form or "",
            "share_capital": company.fr_share_capital,
            "currency": company.currency_id.symbol or company.currency_id.name,
            "siren": company.siren or "",
            "siret": company.siret or "",
            "vat": company.vat or "",
            "rcs_kind": company.fr_rcs_kind or "none",
            "rcs_city": company.fr_rcs_city or "",
            "vat_on_debits": company.fr_vat_on_debits,
            "penalty_rate": rate,
            "customer_type": customer_type,
            "operation_nature": self.fr_operation_nature,
            "early_discount_text": company.with_context(lang="fr_FR").fr_early_discount_text or "",
            "buyer_siren": (self.commercial_partner_id.siren or "")
            if customer_type == "b2b"
            else "",
            "buyer_vat": self.commercial_partner_id.vat or "",
        }
        data["identity_line"] = legal_text.legal_identity_line(data)
        data["penalty_text"] = legal_text.penalty_text(rate)
        data["indemnity_text"] = legal_text.indemnity_text(customer_type)
        data["vat_on_debits_text"] = legal_text.VAT_ON_DEBITS_TEXT if data["vat_on_debits"] else ""
        data["nature_text"] = legal_text.NATURE_LABELS[self.fr_operation_nature or "services"]
        data["vat_regime"] = self.fiscal_position_id.fr_vat_regime or "standard"
        data["exemption_text"] = legal_text.exemption_text(
            data["vat_regime"], self.fr_operation_nature or "services"
        )
        data["out_of_scope_text"] = (
            legal_text.OUT_OF_SCOPE_TEXT if self._fr_out_of_scope_lines() else ""
        )
        data["company_address"] = self._fr_company_address()
        return data

    def _fr_company_address(self):
        """The company's address on one line, in the partner's language."""
        address = self.company_id.partner_id.with_context(
            lang=self.partner_id.lang or self.env.lang
        )._display_address(without_company=True)
        return ", ".join(line.strip() for line in address.splitlines() if line.strip())

    def _fr_out_of_scope_lines(self):
        """Product lines outside the scope of VAT: flagged, without any tax."""
        return self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
            and line.billing_vat_out_of_scope
            and not line.tax_ids
        )

    def _fr_cgv_pdf(self):
        """The CGV PDF of the company (bytes) to append after the printed document, or None.
        Meant for the ir.actions.report override that assembles the invoice PDF."""
        self.ensure_one()
        company = self.company_id
        if not self.is_sale_document() or not company.fr_cgv_pdf or not company._fr_is_french():
            return None
        if not self.company_id._fr_is_french():
            return None
        return base64.b64decode(self.company_id.fr_cgv_pdf)

    def _fr_legal_data(self):
        """The frozen legal data of a posted document, or the live data of a draft."""
        self.ensure_one()
        return self.fr_legal_snapshot or self._fr_build_legal_snapshot()

    def _fr_printed_legal_data(self):
        """The legal data the printed document shows (report_invoice.xml), or False: only
        customer documents of French companies print French mentions."""
        self.ensure_one()
        if not self.is_sale_document() or not self.company_id._fr_is_french():
            return False
        data = dict(self._fr_legal_data())
        if "company_address" not in data:  # frozen before the seller block was printed
            data["company_address"] = self._fr_company_address()
        return data

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

    def _fr_facturx_type_code(self):
        if self.move_type == "out_refund":
            return facturx_data.TYPE_CREDIT_NOTE
        if self._fr_facturx_corrected_invoice():
            return facturx_data.TYPE_CORRECTIVE
        if self._fr_facturx_is_down_payment():
            return facturx_data.TYPE_DOWN_PAYMENT
        return facturx_data.TYPE_INVOICE

    def _fr_facturx_corrected_invoice(self):
        """The invoice a corrective invoice (debit note, account_debit_note) corrects."""
        if "debit_origin_id" in self._fields:
            return self.debit_origin_id
        return self.browse()

    def _fr_facturx_down_payment_lines(self):
        """Invoice lines that come from down payment lines of sale orders (only when sale is
        installed: this addon depends on account alone)."""
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if "sale_line_ids" not in lines._fields:
            return lines.browse()
        return lines.filtered(lambda line: any(line.sale_line_ids.mapped("is_downpayment")))

    def _fr_facturx_is_down_payment(self):
        """A down payment invoice (386): every line is a positive down payment line."""
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        down = self._fr_facturx_down_payment_lines()
        return bool(lines) and down == lines and all(line.price_subtotal > 0 for line in lines)

    def _fr_facturx_deducted_down_payments(self):
        """Down payment invoices deducted by this final invoice (negative down payment lines)."""
        down = self._fr_facturx_down_payment_lines().filtered(lambda line: line.price_subtotal < 0)
        if not down:
            return self.browse()
        invoices = down.sale_line_ids.invoice_lines.move_id
        return invoices.filtered(
            lambda move: move != self and move.state == "posted" and move.move_type == "out_invoice"
        )

    def _fr_facturx_party(self, partner):
        country = partner.country_id.code or ""
        return {
            "name": partner.name or "",
            "street": partner.street or "",
            "street2": partner.street2 or "",
            "zip": partner.zip or "",
            "city": partner.city or "",
            "country": country,
            "siren": (partner.siren or "") if country == "FR" else "",
            "siret": (partner.siret or "") if country == "FR" else "",
            "vat": partner.vat or "",
            "email": partner.email or "",
            "phone": partner.phone or "",
        }

    def _fr_facturx_tax(self, taxes, goods):
        """(category, rate) of the VAT of a line: the category set on the tax, or the one its
        rate and the buyer's country give (see tools/facturx_data.tax_category)."""
        tax = taxes.filtered(lambda t: t.amount_type == "percent")[:1] or taxes[:1]
        buyer_country = self.commercial_partner_id.country_id
        eu_countries = self.env.ref("base.europe").country_ids
        return facturx_data.tax_category(
            rate=tax.amount if tax else 0.0,
            explicit=tax.fr_facturx_category if tax else None,
            seller_country=self.company_id.country_id.code or "FR",
            buyer_country=buyer_country.code or "FR",
            buyer_in_eu=buyer_country in eu_countries,
            goods=goods,
        )

    def _fr_facturx_invoice_data(self):
        """This posted document described as plain data for tools/facturx_data.py."""
        self.ensure_one()
        legal = self._fr_legal_data()
        company = self.company_id
        partner = self.commercial_partner_id
        customer_type = legal.get("customer_type") or partner.billing_customer_type
        seller = self._fr_facturx_party(company.partner_id)
        seller.update(
            {
                "name": company.name,
                "siren": legal.get("siren") or company.siren or "",
                "siret": legal.get("siret") or company.siret or "",
                "vat": legal.get("vat") or company.vat or "",
                "legal_info": legal.get("identity_line") or "",
            }
        )
        buyer = self._fr_facturx_party(partner)
        if not buyer["email"] and self.partner_id.email:
            buyer["email"] = self.partner_id.email
        uom_codes = self._fr_facturx_uom_codes()
        lines, groups = [], {}
        product_lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        sign = -1 if self.move_type == "out_invoice" else 1
        out_of_scope = self._fr_out_of_scope_lines()
        for line in product_lines:
            goods = line.product_id.type == "consu"
            if line in out_of_scope:
                category, rate = "O", 0.0  # late interest, recovery indemnity: no supply
            else:
                category, rate = self._fr_facturx_tax(line.tax_ids, goods)
            price = line.price_unit
            if any(line.tax_ids.mapped("price_include")) and line.quantity:
                # price without tax, from the subtotal
                factor = line.quantity * (1 - (line.discount or 0.0) / 100.0)
                price = line.price_subtotal / factor if factor else line.price_unit
            lines.append(
                {
                    "name": line.product_id.name or (line.name or "").split("\n")[0],
                    "description": line.name or "",
                    "product_code": line.product_id.default_code or "",
                    "quantity": line.quantity,
                    "uom": uom_codes.get(line.product_uom_id.id, facturx_data.DEFAULT_UOM),
                    "price_unit": price,
                    "discount": line.discount,
                    "subtotal": line.price_subtotal,
                    "tax": {"category": category, "rate": rate},
                }
            )
            group = groups.setdefault((category, rate), {"base": 0.0, "amount": 0.0})
            group["base"] += line.price_subtotal
        tax_company = 0.0
        for line in self.line_ids.filtered(lambda line: line.display_type == "tax"):
            category, rate = self._fr_facturx_tax(line.tax_line_id, goods=False)
            group = groups.setdefault((category, rate), {"base": 0.0, "amount": 0.0})
            group["amount"] += sign * line.amount_currency
            tax_company += sign * line.balance
        rounding = sum(
            sign * line.amount_currency
            for line in self.line_ids.filtered(lambda line: line.display_type == "rounding")
        )
        preceding = self.reversed_entry_id or self._fr_facturx_corrected_invoice()
        preceding |= self._fr_facturx_deducted_down_payments()
        shipping = self.partner_shipping_id
        ship_to = None
        if shipping and shipping != self.partner_id:
            ship_to = self._fr_facturx_party(shipping)
        elif any(category == "K" for category, __ in groups):
            ship_to = buyer  # intra-EU supply: the country of delivery is required (BR-IC-12)
        notes = {
            "PMD": legal.get("penalty_text") or "",
            "PMT": legal.get("indemnity_text") or facturx_data.B2C_INDEMNITY_NOTE,
            "AAB": legal.get("early_discount_text") or "",
            "REG": [legal.get("vat_on_debits_text") or ""],
        }
        bank = self.partner_bank_id
        return {
            "number": self.name,
            "type_code": self._fr_facturx_type_code(),
            "issue_date": self.invoice_date,
            "due_date": self.invoice_date_due,
            "payment_terms": self.invoice_payment_term_id.name or "",
            "currency": self.currency_id.name,
            "tax_total_company_currency": tax_company,
            "operation_nature": legal.get("operation_nature") or self.fr_operation_nature,
            "after_down_payment": bool(self._fr_facturx_deducted_down_payments()),
            "customer_type": customer_type,
            "seller": seller,
            "buyer": buyer,
            "ship_to": ship_to,
            "delivery_date": self.delivery_date or self.invoice_date,
            "purchase_order": self.ref or "",
            "payment_reference": self.payment_reference or "",
            "notes": notes,
            "preceding_invoices": [
                {"number": move.name, "date": move.invoice_date} for move in preceding
            ],
            "bank": bank
            and {
                "iban": bank.sanitized_acc_number or "",
                "bic": bank.bank_bic or "",
                "holder": bank.partner_id.name or "",
            },
            "lines": lines,
            "tax_groups": [
                {"category": category, "rate": rate, **values}
                for (category, rate), values in groups.items()
            ],
            "rounding": rounding,
        }

    @api.model
    def _fr_facturx_uom_codes(self):
        """{uom id: UN/ECE code} of the units the mapping knows."""
        codes = {}
        for xmlid, code in facturx_data.UOM_CODES.items():
            uom = self.env.ref(xmlid, raise_if_not_found=False)
            if uom:
                codes[uom.id] = code
        return codes
