"""The mandatory mentions a French invoice or credit note lacks (pure Python).

``missing_mentions(doc)`` takes a document described as plain data and returns the list of
ALL the mentions it lacks, each as ``{"code", "where", "line"}``: ``code`` names the mention
(see ``CODES``), ``where`` where the user fixes it (see ``WHERE``), ``line`` the label of the
invoice line concerned (or ``None``). The ORM layer turns codes into translated messages.

The document (every key optional unless said)::

    {
        "move_type": "out_invoice" | "out_refund",
        "number": "FAC/2026/00001" or None (not yet numbered),
        "invoice_date": date, "due_date": date, "is_down_payment": bool,
        "customer_type": "b2b" | "b2c",
        "nature": "goods" | "services" | "mixed",
        "regime": "standard" | "franchise" | "intra_eu" | "reverse_charge" | "export",
        "seller": {"name", "street", "zip", "city", "country_code", "siren", "rcs_kind",
                   "rcs_city", "legal_form", "share_capital", "vat"},
        "buyer": {"name", "street", "zip", "city", "country_code", "siren", "vat"},
        "delivery": None, or the delivery address when it differs (same keys as buyer),
        "purchase_order": "PO-42", "purchase_order_required": bool,
        "penalty_rate": 13.15, "penalty_floor": 8.0,
        "indemnity_text": "...", "early_discount_text": "...",
        "lines": [{"name", "quantity", "price_unit", "tax_rates": [20.0],
                   "out_of_scope": bool}],
        "credit_note": {"origin_number", "origin_date", "reason"},
    }

A line ``out_of_scope`` is outside the scope of VAT (late interest, the 40 EUR recovery
indemnity: sums that pay for no supply): it has no VAT rate, and the document prints the
out-of-scope wording instead (Factur-X category O).

Items refer to LEGAL_FR.md "Mandatory mentions on an invoice".
"""

import re

from . import identity, payment_terms

# where the user fixes a missing mention
WHERE = (
    "company",
    "customer",
    "delivery_address",
    "invoice",
    "lines",
    "fiscal_position",
    "payment_terms",
    "credit_note",
    "journal",
)

CODES = (
    # 1. names and addresses
    "seller_name",
    "seller_address",
    "buyer_name",
    "buyer_address",
    # 2. SIREN and register
    "seller_siren",
    "seller_register",
    # 3. legal form and capital
    "seller_legal_form",
    "seller_share_capital",
    # 4. VAT numbers
    "seller_vat",
    "buyer_vat",
    # 5. 2026 mentions
    "buyer_siren",
    "buyer_siren_invalid",
    "delivery_address",
    "operation_nature",
    # 6. number
    "number_format",
    # 7. date
    "invoice_date",
    # 8. lines
    "no_lines",
    "line_description",
    "line_quantity",
    "line_tax",
    "line_tax_rate",
    # 10. exemption
    "line_taxed_under_exemption",
    "line_taxed_out_of_scope",
    "exemption_reason",
    # 11. purchase order
    "purchase_order",
    # 12-13. due date and payment terms
    "due_date",
    "due_date_before_invoice_date",
    "payment_term_too_long",
    # 14-16. penalties, indemnity, early payment
    "penalty_rate",
    "penalty_rate_below_floor",
    "indemnity",
    "early_discount",
    # 17. credit notes
    "credit_origin",
    "credit_origin_date",
    "credit_reason",
)

# VAT rates allowed in France: mainland, Corsica and overseas departments (BR-FR-16)
ALLOWED_VAT_RATES = frozenset((20.0, 13.0, 10.0, 8.5, 5.5, 2.1, 1.75, 1.05, 0.9, 0.0))

# legal forms of sole traders: no share capital to print
SOLE_TRADER_FORMS = frozenset(
    ("EI", "EIRL", "EURL EI", "ME", "MICRO-ENTREPRENEUR", "AUTO-ENTREPRENEUR", "MICRO-ENTREPRISE")
)

EXEMPT_REGIMES = ("franchise", "intra_eu", "reverse_charge", "export")

NUMBER_RE = re.compile(r"[A-Za-z0-9+\-_/]{1,35}")


def _missing(code, where, line=None):
    return {"code": code, "where": where, "line": line}


def _address_complete(party):
    return bool(party.get("street") and party.get("zip") and party.get("city"))


def _seller(doc):
    seller = doc.get("seller") or {}
    out = []
    if not seller.get("name"):
        out.append(_missing("seller_name", "company"))
    if not _address_complete(seller) or not seller.get("country_code"):
        out.append(_missing("seller_address", "company"))
    if not seller.get("siren"):
        out.append(_missing("seller_siren", "company"))
    form = (seller.get("legal_form") or "").strip()
    sole_trader = form.upper() in SOLE_TRADER_FORMS
    kind = seller.get("rcs_kind") or "none"
    if kind == "none" and not sole_trader or kind in ("rcs", "rm") and not seller.get("rcs_city"):
        out.append(_missing("seller_register", "company"))
    if not form:
        out.append(_missing("seller_legal_form", "company"))
    elif not sole_trader and not seller.get("share_capital"):
        out.append(_missing("seller_share_capital", "company"))
    if not seller.get("vat") and doc.get("regime") != "franchise":
        out.append(_missing("seller_vat", "company"))
    return out


def missing_buyer_data(buyer, customer_type="b2b", regime="standard"):
    """What the customer ``buyer`` (plain data, see the module docstring) lacks for an
    invoice of ``customer_type`` under the VAT ``regime``: the one rule read by the posting
    gate (``missing_mentions``) and by the customer form ("Missing for invoicing"). The buyer's
    VAT number is required for intra-EU supplies and reverse charge only (LEGAL_FR.md item 4):
    a French customer invoiced with French VAT may have none."""
    b2b = customer_type == "b2b"
    out = []
    if not buyer.get("name"):
        out.append(_missing("buyer_name", "customer"))
    if not _address_complete(buyer) or not buyer.get("country_code"):
        out.append(_missing("buyer_address", "customer"))
    if b2b and buyer.get("country_code") == "FR":
        if not buyer.get("siren"):
            out.append(_missing("buyer_siren", "customer"))
        elif identity.check_siren(buyer["siren"])[1]:
            # a partner recorded before the addon (or imported) may hold a SIREN that the
            # partner form would refuse today: only posting its invoice needs a valid one
            out.append(_missing("buyer_siren_invalid", "customer"))
    if b2b and regime in ("intra_eu", "reverse_charge") and not buyer.get("vat"):
        out.append(_missing("buyer_vat", "customer"))
    return out


def _buyer(doc):
    out = missing_buyer_data(
        doc.get("buyer") or {},
        doc.get("customer_type", "b2b"),
        doc.get("regime") or "standard",
    )
    delivery = doc.get("delivery")
    if delivery is not None and not (_address_complete(delivery) and delivery.get("country_code")):
        out.append(_missing("delivery_address", "delivery_address"))
    return out


def _lines(doc):
    lines = doc.get("lines") or []
    regime = doc.get("regime") or "standard"
    out = []
    if not lines:
        out.append(_missing("no_lines", "lines"))
    zero_rated = False
    for index, line in enumerate(lines, start=1):
        label = (line.get("name") or "").strip().splitlines()[0:1]
        label = label[0] if label else f"#{index}"
        if not (line.get("name") or "").strip():
            out.append(_missing("line_description", "lines", label))
        if not line.get("quantity"):
            out.append(_missing("line_quantity", "lines", label))
        rates = line.get("tax_rates") or []
        if line.get("out_of_scope"):
            if rates:
                out.append(_missing("line_taxed_out_of_scope", "lines", label))
            continue
        if not rates:
            out.append(_missing("line_tax", "lines", label))
            continue
        if any(round(rate, 2) not in ALLOWED_VAT_RATES for rate in rates):
            out.append(_missing("line_tax_rate", "lines", label))
        if regime in EXEMPT_REGIMES and any(rate > 0 for rate in rates):
            out.append(_missing("line_taxed_under_exemption", "lines", label))
        if all(rate == 0 for rate in rates):
            zero_rated = True
    if zero_rated and regime == "standard":
        out.append(_missing("exemption_reason", "fiscal_position"))
    if lines and not doc.get("nature"):
        out.append(_missing("operation_nature", "lines"))
    return out


def _dates_and_terms(doc):
    out = []
    invoice_date = doc.get("invoice_date")
    due_date = doc.get("due_date")
    refund = doc.get("move_type") == "out_refund"
    if not invoice_date:
        out.append(_missing("invoice_date", "invoice"))
    if refund:
        return out
    if not due_date:
        out.append(_missing("due_date", "payment_terms"))
    elif invoice_date and due_date < invoice_date and not doc.get("is_down_payment"):
        out.append(_missing("due_date_before_invoice_date", "payment_terms"))
    elif doc.get("customer_type", "b2b") == "b2b" and payment_terms.excess_days(
        invoice_date, due_date
    ):
        out.append(_missing("payment_term_too_long", "payment_terms"))
    return out


def _b2b_terms(doc):
    if doc.get("customer_type", "b2b") != "b2b":
        return []
    out = []
    rate = doc.get("penalty_rate")
    if not rate:
        out.append(_missing("penalty_rate", "company"))
    elif rate < (doc.get("penalty_floor") or 0.0):
        out.append(_missing("penalty_rate_below_floor", "company"))
    if not doc.get("indemnity_text"):
        out.append(_missing("indemnity", "company"))
    if not (doc.get("early_discount_text") or "").strip():
        out.append(_missing("early_discount", "company"))
    return out


def _credit_note(doc):
    if doc.get("move_type") != "out_refund":
        return []
    credit = doc.get("credit_note") or {}
    out = []
    if not credit.get("origin_number"):
        out.append(_missing("credit_origin", "credit_note"))
    elif not credit.get("origin_date"):
        out.append(_missing("credit_origin_date", "credit_note"))
    if not (credit.get("reason") or "").strip():
        out.append(_missing("credit_reason", "credit_note"))
    return out


def missing_mentions(doc):
    """Every mandatory mention ``doc`` lacks, in the order of LEGAL_FR.md."""
    out = _seller(doc) + _buyer(doc)
    number = doc.get("number")
    if number and number != "/" and not NUMBER_RE.fullmatch(number):
        out.append(_missing("number_format", "journal"))
    out += _lines(doc)
    if doc.get("purchase_order_required") and not (doc.get("purchase_order") or "").strip():
        out.append(_missing("purchase_order", "invoice"))
    out += _dates_and_terms(doc)
    out += _b2b_terms(doc)
    out += _credit_note(doc)
    return out
