"""Mandatory mentions of billing_fr_compliance/tools/mentions.py and payment-term limits."""

import copy
import datetime

import pytest
from conftest import load_tool

mentions = load_tool("billing_fr_compliance", "mentions")
payment_terms = load_tool("billing_fr_compliance", "payment_terms")

D = datetime.date

SELLER = {
    "name": "Atelier Dupont SAS",
    "street": "12 rue de la République",
    "zip": "69002",
    "city": "Lyon",
    "country_code": "FR",
    "siren": "820419653",
    "rcs_kind": "rcs",
    "rcs_city": "Lyon",
    "legal_form": "SAS",
    "share_capital": 50000,
    "vat": "FR80820419653",
}
BUYER_FR = {
    "name": "Bâtiments Martin SARL",
    "street": "4 avenue Jean Jaurès",
    "zip": "75019",
    "city": "Paris",
    "country_code": "FR",
    "siren": "552081317",
    "vat": "FR03552081317",
}
COMPLETE_B2B = {
    "move_type": "out_invoice",
    "number": "FAC/2026/00001",
    "invoice_date": D(2026, 3, 10),
    "due_date": D(2026, 4, 9),
    "customer_type": "b2b",
    "nature": "mixed",
    "regime": "standard",
    "seller": SELLER,
    "buyer": BUYER_FR,
    "delivery": None,
    "penalty_rate": 12.15,
    "penalty_floor": 8.0,
    "indemnity_text": "Indemnité forfaitaire ... 40 €",
    "early_discount_text": "Pas d'escompte pour paiement anticipé.",
    "lines": [
        {"name": "Chaise", "quantity": 4, "price_unit": 80.0, "tax_rates": [20.0]},
        {"name": "Rénovation", "quantity": 1, "price_unit": 500.0, "tax_rates": [10.0]},
        {"name": "Livre", "quantity": 2, "price_unit": 20.0, "tax_rates": [5.5]},
    ],
}


def doc(**changes):
    data = copy.deepcopy(COMPLETE_B2B)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return data


def codes(data):
    return [m["code"] for m in mentions.missing_mentions(data)]


def test_complete_b2b_multi_rate_has_nothing_missing():
    assert mentions.missing_mentions(doc()) == []


def test_every_code_and_place_is_declared():
    empty = {"move_type": "out_refund", "customer_type": "b2b", "regime": "standard"}
    found = mentions.missing_mentions(empty)
    for item in found:
        assert item["code"] in mentions.CODES
        assert item["where"] in mentions.WHERE


def test_empty_invoice_lists_all_missing_not_the_first():
    found = codes({"move_type": "out_invoice", "customer_type": "b2b", "seller": {}, "buyer": {}})
    for code in (
        "seller_name",
        "seller_address",
        "seller_siren",
        "seller_register",
        "seller_legal_form",
        "seller_vat",
        "buyer_name",
        "buyer_address",
        "no_lines",
        "invoice_date",
        "due_date",
        "penalty_rate",
        "indemnity",
        "early_discount",
    ):
        assert code in found


@pytest.mark.parametrize(
    "field, code",
    [
        ("name", "seller_name"),
        ("street", "seller_address"),
        ("city", "seller_address"),
        ("siren", "seller_siren"),
        ("rcs_city", "seller_register"),
        ("legal_form", "seller_legal_form"),
        ("share_capital", "seller_share_capital"),
        ("vat", "seller_vat"),
    ],
)
def test_each_seller_datum_is_required(field, code):
    assert codes(doc(seller={field: ""})) == [code]


def test_register_none_for_a_company_is_missing_but_not_for_a_sole_trader():
    assert codes(doc(seller={"rcs_kind": "none"})) == ["seller_register"]
    sole = {"rcs_kind": "none", "legal_form": "EI", "share_capital": 0}
    assert codes(doc(seller=sole)) == []
    assert codes(doc(seller={"rcs_kind": "rm", "rcs_city": "Lyon"})) == []


def test_buyer_siren_b2b_french_only():
    assert codes(doc(buyer={"siren": ""})) == ["buyer_siren"]
    # present but wrong: 9 digits with a wrong Luhn key, or not 9 digits
    assert codes(doc(buyer={"siren": "552081318"})) == ["buyer_siren_invalid"]
    assert codes(doc(buyer={"siren": "55208131"})) == ["buyer_siren_invalid"]
    assert codes(doc(buyer={"siren": "552 081 317"})) == []
    # a foreign business customer has no SIREN to check
    foreign = doc(buyer={"siren": "123", "country_code": "DE", "vat": "DE129273398"})
    assert "buyer_siren_invalid" not in codes(foreign)
    # B2C: no buyer SIREN, no penalties / indemnity / escompte required (item 18)
    b2c = doc(
        customer_type="b2c",
        buyer={"siren": "", "vat": "", "name": "Claire Moreau"},
        penalty_rate=0,
        indemnity_text="",
        early_discount_text="",
    )
    assert codes(b2c) == []
    # a foreign business has no SIREN
    assert (
        codes(
            doc(
                buyer={"siren": "", "country_code": "CA"},
                regime="export",
                lines=[{"name": "Chair", "quantity": 1, "tax_rates": [0.0]}],
            )
        )
        == []
    )


def test_buyer_address_required():
    assert codes(doc(buyer={"zip": ""})) == ["buyer_address"]
    assert codes(doc(buyer={"name": ""})) == ["buyer_name"]


def test_delivery_address_when_different_must_be_complete():
    complete = {
        "name": "Chantier",
        "street": "30 cours Zola",
        "zip": "69100",
        "city": "Villeurbanne",
        "country_code": "FR",
    }
    assert codes(doc(delivery=complete)) == []
    assert codes(doc(delivery=dict(complete, street=""))) == ["delivery_address"]


def test_intra_eu_goods():
    zero = [{"name": "Machine", "quantity": 1, "tax_rates": [0.0]}]
    de = {"country_code": "DE", "siren": "", "vat": "DE129273398"}
    assert codes(doc(regime="intra_eu", buyer=de, lines=zero, nature="goods")) == []
    assert codes(doc(regime="intra_eu", buyer=dict(de, vat=""), lines=zero)) == ["buyer_vat"]
    # VAT charged under an exemption regime is wrong
    taxed = [{"name": "Machine", "quantity": 1, "tax_rates": [20.0]}]
    assert codes(doc(regime="intra_eu", buyer=de, lines=taxed)) == ["line_taxed_under_exemption"]


def test_reverse_charge_needs_buyer_vat():
    zero = [{"name": "Sous-traitance", "quantity": 1, "tax_rates": [0.0]}]
    assert codes(doc(regime="reverse_charge", lines=zero)) == []
    assert codes(doc(regime="reverse_charge", lines=zero, buyer={"vat": ""})) == ["buyer_vat"]


def test_franchise_seller_needs_no_vat_number_but_no_vat_either():
    zero = [{"name": "Cours", "quantity": 1, "tax_rates": [0.0]}]
    assert codes(doc(regime="franchise", seller={"vat": ""}, lines=zero)) == []
    taxed = [{"name": "Cours", "quantity": 1, "tax_rates": [20.0]}]
    assert codes(doc(regime="franchise", seller={"vat": ""}, lines=taxed)) == [
        "line_taxed_under_exemption"
    ]


def test_zero_rate_under_standard_regime_needs_an_exemption_reason():
    zero = [{"name": "Chair", "quantity": 1, "tax_rates": [0.0]}]
    assert codes(doc(lines=zero)) == ["exemption_reason"]


def test_lines_outside_the_scope_of_vat():
    # late interest and the 40 EUR indemnity: no VAT rate, accepted when flagged out of scope
    interest = [
        {"name": "Intérêts de retard", "quantity": 1, "tax_rates": [], "out_of_scope": True},
        {"name": "Indemnité forfaitaire", "quantity": 1, "tax_rates": [], "out_of_scope": True},
    ]
    assert codes(doc(lines=interest, nature="services")) == []
    # without the flag a taxless line still lacks its VAT rate
    unflagged = [dict(line, out_of_scope=False) for line in interest]
    found = mentions.missing_mentions(doc(lines=unflagged))
    assert [(m["code"], m["line"]) for m in found] == [
        ("line_tax", "Intérêts de retard"),
        ("line_tax", "Indemnité forfaitaire"),
    ]
    # a line outside the scope of VAT cannot bear VAT, and needs no exemption wording
    taxed = [dict(interest[0], tax_rates=[20.0]), dict(interest[1], tax_rates=[0.0])]
    found = mentions.missing_mentions(doc(lines=taxed))
    assert [(m["code"], m["line"]) for m in found] == [
        ("line_taxed_out_of_scope", "Intérêts de retard"),
        ("line_taxed_out_of_scope", "Indemnité forfaitaire"),
    ]
    mixed = [*COMPLETE_B2B["lines"], interest[0]]
    assert codes(doc(lines=mixed)) == []


def test_lines():
    lines = [
        {"name": "", "quantity": 1, "tax_rates": [20.0]},
        {"name": "Chair", "quantity": 0, "tax_rates": [20.0]},
        {"name": "Desk", "quantity": 1, "tax_rates": []},
        {"name": "Lamp", "quantity": 1, "tax_rates": [19.0]},
    ]
    found = mentions.missing_mentions(doc(lines=lines))
    assert [(m["code"], m["line"]) for m in found] == [
        ("line_description", "#1"),
        ("line_quantity", "Chair"),
        ("line_tax", "Desk"),
        ("line_tax_rate", "Lamp"),
    ]
    assert codes(doc(lines=[])) == ["no_lines"]
    assert codes(doc(nature=None)) == ["operation_nature"]
    # DOM and Corsica rates are allowed
    dom = [
        {"name": "Rhum", "quantity": 1, "tax_rates": [8.5]},
        {"name": "Vin", "quantity": 1, "tax_rates": [13.0]},
        {"name": "Presse", "quantity": 1, "tax_rates": [2.1]},
    ]
    assert codes(doc(lines=dom)) == []


def test_purchase_order_when_the_buyer_gave_one():
    assert codes(doc(purchase_order_required=True)) == ["purchase_order"]
    assert codes(doc(purchase_order_required=True, purchase_order="PO-42")) == []


def test_number_format():
    assert codes(doc(number="/")) == []
    assert codes(doc(number=None)) == []
    assert codes(doc(number="FAC 2026 01")) == ["number_format"]
    assert codes(doc(number="F" * 36)) == ["number_format"]
    assert codes(doc(number="F" * 35)) == []


def test_due_date():
    assert codes(doc(due_date=None)) == ["due_date"]
    assert codes(doc(due_date=D(2026, 3, 1))) == ["due_date_before_invoice_date"]
    assert codes(doc(due_date=D(2026, 3, 1), is_down_payment=True)) == []
    assert codes(doc(invoice_date=None)) == ["invoice_date"]


def test_payment_term_limit_b2b_only():
    # 10 March + 45 days = 24 April -> end of month 30 April; end of March + 45 = 15 May;
    # 10 March + 60 = 9 May: the limit is 15 May
    assert codes(doc(due_date=D(2026, 5, 15))) == []
    assert codes(doc(due_date=D(2026, 5, 16))) == ["payment_term_too_long"]
    assert (
        codes(
            doc(due_date=D(2026, 5, 16), customer_type="b2c", buyer={"siren": ""}, penalty_rate=0)
        )
        == []
    )


def test_penalties_indemnity_discount_b2b():
    assert codes(doc(penalty_rate=0)) == ["penalty_rate"]
    assert codes(doc(penalty_rate=7.5)) == ["penalty_rate_below_floor"]
    assert codes(doc(indemnity_text="")) == ["indemnity"]
    assert codes(doc(early_discount_text=" ")) == ["early_discount"]


def test_credit_note():
    refund = doc(move_type="out_refund", due_date=None)
    assert codes(refund) == ["credit_origin", "credit_reason"]
    refund["credit_note"] = {"origin_number": "FAC/2026/00001", "reason": "Retour"}
    assert codes(refund) == ["credit_origin_date"]
    refund["credit_note"]["origin_date"] = D(2026, 3, 1)
    assert codes(refund) == []


def test_places_to_fix():
    found = mentions.missing_mentions(
        doc(seller={"siren": ""}, buyer={"siren": ""}, due_date=D(2027, 1, 1), penalty_rate=0)
    )
    assert [(m["code"], m["where"]) for m in found] == [
        ("seller_siren", "company"),
        ("buyer_siren", "customer"),
        ("payment_term_too_long", "payment_terms"),
        ("penalty_rate", "company"),
    ]


def test_legal_limit():
    assert payment_terms.legal_limit(D(2026, 1, 31)) == D(2026, 4, 1)  # 31 Jan + 60
    assert payment_terms.legal_limit(D(2026, 3, 10)) == D(2026, 5, 15)  # end of March + 45
    assert payment_terms.legal_limit(D(2026, 2, 20)) == D(2026, 4, 30)  # 6 April -> end of month
    assert payment_terms.excess_days(D(2026, 3, 10), D(2026, 5, 20)) == 5
    assert payment_terms.excess_days(D(2026, 3, 10), D(2026, 3, 10)) == 0
    assert payment_terms.excess_days(None, D(2026, 3, 10)) == 0


def test_worst_excess_of_a_payment_term():
    def sixty_days(date):
        return date + datetime.timedelta(days=60)

    def ninety_days(date):
        return date + datetime.timedelta(days=90)

    assert payment_terms.worst_excess(sixty_days) == (0, None)
    excess, date = payment_terms.worst_excess(ninety_days)
    assert excess > 0 and date is not None
    assert len(payment_terms.sample_dates()) == 366
