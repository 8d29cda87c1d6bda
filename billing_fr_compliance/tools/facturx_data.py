"""The Factur-X EN16931 (UN/CEFACT CII) XML of an invoice described as plain data.

Pure Python: no Odoo import. :func:`to_facturx_dict` maps the plain description (below) to the
EN16931 data dict that ``facturx.generate_xml`` takes (keys are the EN16931 business terms,
"BT-1", "BG-4", ...); :func:`build_xml` returns the XML bytes. Validation is in
``facturx_check``.

Plain description of an invoice (dates are ``datetime.date``, amounts floats in the document
currency, positive on credit notes as on invoices)::

    {
        "number": "FAC/2026/0001",
        "type_code": "380",  # 380 invoice, 381 credit note, 384 corrective, 386 down payment
        "issue_date": date, "due_date": date or None, "payment_terms": "30 jours" or "",
        "currency": "EUR", "company_currency": "EUR",
        "tax_total_company_currency": 0.0,   # BT-111, needed when currency is not EUR
        "operation_nature": "goods" | "services" | "mixed",   # BT-23 B1 / S1 / M1
        "after_down_payment": False,   # final invoice deducting down payments: B4 / S4 / M4
        "customer_type": "b2b" | "b2c",
        "seller": party, "buyer": party, "ship_to": party or None,
        "delivery_date": date or None, "period": (start, end) or None,
        "buyer_reference": "", "purchase_order": "", "sale_order": "", "payment_reference": "",
        "notes": {"PMD": "...", "PMT": "...", "AAB": "...", "REG": ["..."], "": ["free note"]},
        "preceding_invoices": [{"number": "FAC/2026/0001", "date": date}],
        "bank": {"iban": "FR76...", "bic": "BNPAFRPP", "holder": "..."} or None,
        "lines": [line, ...],
        "allowances": [{"amount", "reason", "tax": tax}],   # document level
        "charges": [{"amount", "reason", "tax": tax}],
        "tax_groups": [{"category", "rate", "base", "amount"}] or None,   # computed when None
        "exemptions": {"E": ("VATEX-FR-FRANCHISE", "TVA non applicable, art. 293 B du CGI")},
        "rounding": 0.0, "prepaid": 0.0,
    }
    party = {"name", "street", "street2", "zip", "city", "country", "siren", "siret", "vat",
             "legal_info", "email", "phone", "contact"}
    line = {"name", "description", "quantity", "uom", "price_unit", "discount" (percent),
            "subtotal", "tax": {"category": "S", "rate": 20.0}, "product_code",
            "period": (start, end) or None}
"""

import facturx

SPEC_EN16931 = "urn:cen.eu:en16931:2017"
EAS_FR = "0225"  # French e-invoicing directory address: SIREN[_suffix]
EAS_EMAIL = "EM"
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"

TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
TYPE_CORRECTIVE = "384"
TYPE_DOWN_PAYMENT = "386"

NATURE_CODES = {"goods": "B", "services": "S", "mixed": "M"}

# default exemption code and wording for each VAT category that needs one (BT-121 / BT-120)
EXEMPTIONS = {
    "E": ("VATEX-FR-FRANCHISE", "TVA non applicable, art. 293 B du CGI"),
    "K": ("VATEX-EU-IC", "Exonération de TVA, art. 262 ter I du CGI"),
    "AE": ("VATEX-EU-AE", "Autoliquidation"),
    "G": ("VATEX-EU-G", "Exonération de TVA, art. 262 I du CGI (exportation)"),
    # late interest, recovery indemnity: no supply, outside the scope of VAT (BR-O-10)
    "O": ("VATEX-EU-O", "Hors champ d'application de la TVA"),
}
B2C_INDEMNITY_NOTE = (
    "Indemnité forfaitaire pour frais de recouvrement : non applicable (client non professionnel)."
)

# Odoo units of measure (xml ids of uom) -> UN/ECE Recommendation 20 codes
UOM_CODES = {
    "uom.product_uom_unit": "C62",
    "uom.product_uom_dozen": "DZN",
    "uom.product_uom_kgm": "KGM",
    "uom.product_uom_gram": "GRM",
    "uom.product_uom_ton": "TNE",
    "uom.product_uom_day": "DAY",
    "uom.product_uom_hour": "HUR",
    "uom.product_uom_minute": "MIN",
    "uom.product_uom_meter": "MTR",
    "uom.product_uom_km": "KMT",
    "uom.product_uom_cm": "CMT",
    "uom.product_uom_litre": "LTR",
    "uom.product_uom_cubic_meter": "MTQ",
    "uom.product_uom_square_meter": "MTK",
}
DEFAULT_UOM = "C62"  # "one" (unit)


def uom_code(xmlid):
    return UOM_CODES.get(xmlid or "", DEFAULT_UOM)


CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O")


def tax_category(
    rate, explicit=None, seller_country="FR", buyer_country="FR", buyer_in_eu=False, goods=True
):
    """(VAT category, rate) of a line (BT-151 / BT-152).

    The category set on the tax wins; otherwise a non-zero rate is standard (S); a zero rate is
    a franchise (E) at home, an intra-EU supply of goods (K) or a reverse-charged service (AE)
    for an EU buyer, an export (G) outside the EU.
    """
    rate = round(rate or 0.0, 2)
    if explicit in CATEGORIES:
        return explicit, (0.0 if explicit in ("Z", "E", "AE", "K", "G", "O") else rate)
    if rate:
        return "S", rate
    if buyer_country == seller_country:
        return "E", 0.0
    if buyer_in_eu:
        return ("K" if goods else "AE"), 0.0
    return "G", 0.0


def business_process(invoice):
    """BT-23: B1 / S1 / M1 (goods, services, mixed); B4 / S4 / M4 for a final invoice that
    deducts down payments. None when the nature is unknown."""
    letter = NATURE_CODES.get(invoice.get("operation_nature") or "")
    if not letter:
        return None
    return letter + ("4" if invoice.get("after_down_payment") else "1")


def bar_treatment(invoice):
    """Note BAR: B2B or B2C, with INT when the buyer is abroad (no French SIREN)."""
    kind = "B2B" if invoice.get("customer_type") == "b2b" else "B2C"
    buyer = invoice.get("buyer") or {}
    if (buyer.get("country") or "FR") != "FR":
        kind += "INT"
    return kind


def electronic_address(party, b2b_fr):
    """(address, scheme) of a party: its SIREN in the French directory (0225) for a French
    business, else its e-mail. (None, None) when it has neither."""
    directory = party.get("einvoicing_address") or ""
    if b2b_fr and party.get("siren") and directory.startswith(party["siren"]):
        return directory, EAS_FR  # the address found in the PA directory
    if b2b_fr and party.get("siren"):
        return party["siren"], EAS_FR
    if party.get("email"):
        return party["email"], EAS_EMAIL
    if party.get("siren"):
        return party["siren"], EAS_FR
    return None, None


def _party(party, b2b_fr, with_legal_info=False):
    data = {"name": party.get("name") or "", "country_code": party.get("country") or ""}
    for key, value in (
        ("addr_l1", party.get("street")),
        ("addr_l2", party.get("street2")),
        ("postcode", party.get("zip")),
        ("city", party.get("city")),
    ):
        if value:
            data[key] = value
    if party.get("siren"):
        data["legal_identifier"] = party["siren"]
        data["legal_identifier_schemeid"] = SCHEME_SIREN
    if party.get("siret"):
        data["identifiers"] = {SCHEME_SIRET: party["siret"]}
    if party.get("vat"):
        data["vat_identifier"] = party["vat"]
    if with_legal_info and party.get("legal_info"):
        data["legal_info"] = party["legal_info"]
    address, scheme = electronic_address(party, b2b_fr)
    if address:
        data["einvoicing_addr"] = address
        data["einvoicing_addr_schemeid"] = scheme
    contact = {
        key: party[src]
        for key, src in (("name", "contact"), ("phone", "phone"), ("email", "email"))
        if party.get(src)
    }
    if with_legal_info and contact:
        data["contacts"] = [contact]
    return data


def _ship_to(party):
    data = {"name": party.get("name") or "", "country_code": party.get("country") or ""}
    for key, value in (
        ("addr_l1", party.get("street")),
        ("addr_l2", party.get("street2")),
        ("postcode", party.get("zip")),
        ("city", party.get("city")),
    ):
        if value:
            data[key] = value
    return data


def out_of_scope(invoice):
    """Whether a line, allowance or charge of ``invoice`` is outside the scope of VAT (O)."""
    entries = [
        *(invoice.get("lines") or []),
        *(invoice.get("allowances") or []),
        *(invoice.get("charges") or []),
    ]
    return any((entry.get("tax") or {}).get("category") == "O" for entry in entries)


def _round(value, digits=2):
    return round(value + 0.0, digits)


def _tax_key(tax):
    return (tax.get("category") or "S", _round(tax.get("rate") or 0.0))


def _line(index, line):
    quantity = line.get("quantity") or 0.0
    price = line.get("price_unit") or 0.0
    if price < 0:  # French rule BR-FR-DEC-03: a net price is never negative
        quantity, price = -quantity, -price
    subtotal = _round(line.get("subtotal") or 0.0)
    gross = _round(quantity * price)
    category, rate = _tax_key(line.get("tax") or {})
    data = {
        "BT-126": str(index),
        "BT-129": _round(quantity, 4),
        "BT-130": line.get("uom") or DEFAULT_UOM,
        "BT-131": subtotal,
        "BT-146": _round(price, 4),
        "BT-151": category,
        "BT-153": line.get("name") or "-",
    }
    if category != "O":
        data["BT-152"] = rate
    if line.get("description") and line["description"] != line.get("name"):
        data["BT-154"] = line["description"]
    if line.get("product_code"):
        data["BT-155"] = line["product_code"]
    if line.get("period"):
        data["BT-134"], data["BT-135"] = line["period"]
    discount = _round(gross - subtotal)
    if line.get("discount") and discount:
        # the discount as a line allowance (BG-27): BT-131 = quantity x price - allowance
        data["BG-27"] = [
            {
                "amount": discount,
                "base_amount": gross,
                "rate": _round(line["discount"]),
                "reason": "Remise",
                "reason_code": "95",
            }
        ]
    return data


def tax_groups(invoice):
    """VAT breakdown: the given groups, or one per (category, rate) from the lines and the
    document allowances and charges, the tax rounded per group."""
    if invoice.get("tax_groups") is not None:
        return [
            {
                "category": group["category"],
                "rate": _round(group.get("rate") or 0.0),
                "base": _round(group["base"]),
                "amount": _round(group["amount"]),
            }
            for group in invoice["tax_groups"]
        ]
    bases = {}
    for line in invoice.get("lines") or []:
        key = _tax_key(line.get("tax") or {})
        bases[key] = bases.get(key, 0.0) + (line.get("subtotal") or 0.0)
    for sign, entries in ((-1, invoice.get("allowances")), (1, invoice.get("charges"))):
        for entry in entries or []:
            key = _tax_key(entry.get("tax") or {})
            bases[key] = bases.get(key, 0.0) + sign * entry["amount"]
    return [
        {
            "category": category,
            "rate": rate,
            "base": _round(base),
            "amount": _round(base * rate / 100.0),
        }
        for (category, rate), base in bases.items()
    ]


def _allowance_charge(entry):
    category, rate = _tax_key(entry.get("tax") or {})
    data = {
        "amount": _round(entry["amount"]),
        "reason": entry.get("reason") or "Remise",
        "vat_category_code": category,
    }
    if category != "O":
        data["vat_rate"] = rate
    return data


def _notes(invoice):
    notes = invoice.get("notes") or {}
    result = []
    for free in notes.get("") or []:
        if free:
            result.append({"BT-22": free})
    for code in ("PMD", "PMT", "AAB"):
        if notes.get(code):
            result.append({"BT-21": code, "BT-22": notes[code]})
    for text in notes.get("REG") or []:
        if text:
            result.append({"BT-21": "REG", "BT-22": text})
    result.append({"BT-21": "BAR", "BT-22": bar_treatment(invoice)})
    return result


def to_facturx_dict(invoice):
    """The EN16931 data dict of ``invoice`` for ``facturx.generate_xml``."""
    currency = invoice.get("currency") or "EUR"
    buyer = invoice.get("buyer") or {}
    b2b_fr = invoice.get("customer_type") == "b2b" and (buyer.get("country") or "FR") == "FR"
    lines = [_line(index, line) for index, line in enumerate(invoice.get("lines") or [], 1)]
    groups = tax_groups(invoice)
    exemptions = dict(EXEMPTIONS, **(invoice.get("exemptions") or {}))
    allowances = [_allowance_charge(entry) for entry in invoice.get("allowances") or []]
    charges = [_allowance_charge(entry) for entry in invoice.get("charges") or []]

    line_total = _round(sum(line["BT-131"] for line in lines))
    allowance_total = _round(sum(entry["amount"] for entry in allowances))
    charge_total = _round(sum(entry["amount"] for entry in charges))
    base_total = _round(line_total - allowance_total + charge_total)
    tax_total = _round(sum(group["amount"] for group in groups))
    grand_total = _round(base_total + tax_total)
    prepaid = _round(invoice.get("prepaid") or 0.0)
    rounding = _round(invoice.get("rounding") or 0.0)

    seller = _party(invoice.get("seller") or {}, True, with_legal_info=True)
    buyer_party = _party(buyer, b2b_fr)
    if out_of_scope(invoice):
        # an invoice outside the scope of VAT carries no VAT identifier (BR-O-02)
        seller.pop("vat_identifier", None)
        buyer_party.pop("vat_identifier", None)
    data = {
        "BT-1": invoice["number"],
        "BT-2": invoice["issue_date"],
        "BT-3": invoice.get("type_code") or TYPE_INVOICE,
        "BT-5": currency,
        "BT-24": SPEC_EN16931,
        "BG-1": _notes(invoice),
        "BG-4": seller,
        "BG-7": buyer_party,
        "BG-25": lines,
        "BG-23": [],
        "BT-106": line_total,
        "BT-109": base_total,
        "BT-110": tax_total,
        "BT-112": grand_total,
        "BT-115": _round(grand_total - prepaid + rounding),
    }
    process = business_process(invoice)
    if process:
        data["BT-23"] = process
    for group in groups:
        entry = {
            "BT-116": group["base"],
            "BT-117": group["amount"],
            "BT-118": group["category"],
        }
        if group["category"] != "O":
            entry["BT-119"] = group["rate"]
        if group["category"] in exemptions:
            code, reason = exemptions[group["category"]]
            if code:
                entry["BT-121"] = code
            if reason:
                entry["BT-120"] = reason
        data["BG-23"].append(entry)
    if allowances:
        data["BG-20"] = allowances
        data["BT-107"] = allowance_total
    if charges:
        data["BG-21"] = charges
        data["BT-108"] = charge_total
    if prepaid:
        data["BT-113"] = prepaid
    if rounding:
        data["BT-114"] = rounding
    if currency != "EUR":
        data["BT-6"] = "EUR"
        data["BT-111"] = _round(invoice.get("tax_total_company_currency") or 0.0)
    for key, bt in (
        ("due_date", "BT-9"),
        ("payment_terms", "BT-20"),
        ("buyer_reference", "BT-10"),
        ("purchase_order", "BT-13"),
        ("sale_order", "BT-14"),
        ("payment_reference", "BT-83"),
        ("delivery_date", "BT-72"),
    ):
        if invoice.get(key):
            data[bt] = invoice[key]
    if invoice.get("period"):
        data["BT-73"], data["BT-74"] = invoice["period"]
    ship_to = invoice.get("ship_to")
    if ship_to:
        data["BG-13"] = _ship_to(ship_to)
    preceding = [
        {"BT-25": ref["number"], "BT-26": ref["date"]}
        for ref in invoice.get("preceding_invoices") or []
        if ref.get("number")
    ]
    if preceding:
        data["BG-3"] = preceding
    bank = invoice.get("bank")
    if bank and bank.get("iban"):
        data["BT-81"] = "58" if bank.get("sepa", True) else "30"
        data["BT-84"] = bank["iban"].replace(" ", "").upper()
        if bank.get("bic"):
            data["BT-86"] = bank["bic"].replace(" ", "").upper()
        if bank.get("holder"):
            data["BT-85"] = bank["holder"]
    return data


def build_xml(invoice):
    """The Factur-X EN16931 XML (bytes) of ``invoice``; not validated (see facturx_check)."""
    return facturx.generate_xml(
        to_facturx_dict(invoice),
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        check_schematron=False,
    )
