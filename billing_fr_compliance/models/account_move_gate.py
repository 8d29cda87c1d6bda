# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, fields, models
from odoo.tools import float_compare

from ..exceptions import FrGateRefusal
from ..tools import legal_text, mentions


# one concern of account.move per file (issue 23): the fields and the write/_post
# overrides that call these methods are in models/account_move.py
class AccountMove(models.Model):
    """The posting gate: the French mandatory mentions a customer document lacks,
    with the labels and messages that say where to fix each one, and the credit notes
    that would credit more than their invoice."""

    _inherit = "account.move"

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
        """Refuse posting with every missing mention, a button that opens the record to
        fix first (customer, company, delivery address, journal or fiscal position) and one
        to the help page on the mentions."""
        message = self._fr_format_refusal(refused)
        for move in refused:
            action = move._fr_fix_action()
            if action:
                raise FrGateRefusal(message, action, action.pop("button_text"))
        raise FrGateRefusal(message)

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
