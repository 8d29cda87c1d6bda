"""Legal wording printed on French invoices, built from plain data (pure Python).

The wording is French whatever the partner's language: it is what the law asks for, and what
the Factur-X notes PMD / PMT / AAB carry.
"""

INDEMNITY_AMOUNT = 40.0


def operation_nature(product_types):
    """Nature of the operation (2026 mention, Factur-X BT-23): 'goods', 'services' or 'mixed'.

    ``product_types`` are the Odoo product types of the invoiced lines ('consu', 'service',
    'combo', or None for a line without product, counted as a service).
    """
    kinds = {"goods" if kind == "consu" else "services" for kind in product_types}
    if not kinds:
        return "services"
    if len(kinds) == 2:
        return "mixed"
    return kinds.pop()


def format_amount_fr(amount, currency_symbol="€"):
    """10000 -> '10 000 €' ; 1234.5 -> '1 234,50 €' (French grouping, no cents when whole)."""
    if float(amount).is_integer():
        text = f"{int(amount):,}".replace(",", "\u202f")
    else:
        text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0{currency_symbol}"


def legal_identity_line(data):
    """'SAS au capital de 50 000 € - RCS Lyon 820 419 653 - SIRET ... - TVA ...'."""
    parts = []
    form = data.get("legal_form")
    capital = data.get("share_capital")
    if form and capital:
        parts.append(f"{form} au capital de {format_amount_fr(capital, data.get('currency', '€'))}")
    elif form:
        parts.append(form)
    siren = data.get("siren") or ""
    grouped = " ".join([siren[0:3], siren[3:6], siren[6:9]]) if len(siren) == 9 else siren
    kind = data.get("rcs_kind")
    if kind == "rcs" and siren:
        parts.append(f"RCS {data.get('rcs_city') or ''} {grouped}".replace("  ", " "))
    elif kind == "rm" and siren:
        parts.append(f"RM {data.get('rcs_city') or ''} {grouped}".replace("  ", " "))
    elif siren:
        parts.append(f"SIREN {grouped}")
    if data.get("siret"):
        parts.append(f"SIRET {data['siret']}")
    if data.get("vat"):
        parts.append(f"TVA {data['vat']}")
    return " - ".join(parts)


def penalty_text(rate):
    """Mention of L441-10 II C. com. (Factur-X note PMD)."""
    rate_text = f"{rate:.2f}".replace(".", ",")
    return (
        f"En cas de retard de paiement, des pénalités de retard sont exigibles au taux annuel "
        f"de {rate_text} %, sans qu'un rappel soit nécessaire (art. L441-10 du Code de commerce)."
    )


def indemnity_text(customer_type):
    """Mention of D441-5 C. com. (Factur-X note PMT); B2B only."""
    if customer_type != "b2b":
        return ""
    return (
        "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : "
        "40 € (art. D441-5 du Code de commerce)."
    )


VAT_ON_DEBITS_TEXT = "Option pour le paiement de la taxe d'après les débits."

NATURE_LABELS = {
    "goods": "Livraison de biens",
    "services": "Prestation de services",
    "mixed": "Livraison de biens et prestation de services",
}

EXEMPTION_TEXTS = {
    "franchise": "TVA non applicable, art. 293 B du CGI.",
    "intra_eu_goods": "Exonération de TVA, art. 262 ter I du CGI.",
    "intra_eu_services": "Autoliquidation : TVA due par le preneur (art. 283-2 du CGI et "
    "art. 196 de la directive 2006/112/CE).",
    "reverse_charge": "Autoliquidation : TVA due par le preneur (art. 283-2 du CGI).",
    "export": "Exonération de TVA, art. 262 I du CGI (exportation hors de l'Union européenne).",
}


# lines outside the scope of VAT: late interest and the 40 EUR recovery indemnity pay for no
# supply of goods or services (CGI art. 256), Factur-X category O
OUT_OF_SCOPE_TEXT = "Hors champ d'application de la TVA."


def exemption_text(regime, nature):
    """The exemption or reverse-charge wording (item 10) of a VAT ``regime`` for an operation
    of ``nature``; empty for the standard regime."""
    if regime == "intra_eu":
        parts = []
        if nature in ("goods", "mixed"):
            parts.append(EXEMPTION_TEXTS["intra_eu_goods"])
        if nature in ("services", "mixed"):
            parts.append(EXEMPTION_TEXTS["intra_eu_services"])
        return " ".join(parts)
    return EXEMPTION_TEXTS.get(regime, "")
