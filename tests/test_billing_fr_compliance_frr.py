"""E-reporting (flux 10): the FRR files we build pass the official XSD and the PPF schematron
(zero fatal rule), each rule family fires on its own broken case, Odoo's public sample files
validate with our checker, and the periods of each VAT regime follow the decree and pyfrctc."""

import datetime
import glob
import os
from decimal import Decimal

import pytest
from conftest import load_tool, shared_data

frr = load_tool("billing_fr_compliance", "frr")

D = datetime.date
NOW = datetime.datetime(2026, 12, 1, 9, 30, 0)
SAMPLES_DIR = shared_data.shared_data(*shared_data.FLUX10_EXAMPLES)
SAMPLES = sorted(glob.glob(os.path.join(SAMPLES_DIR, "*.xml"))) if SAMPLES_DIR else []

SELLER = {"siren": "820419653", "vat": "FR32820419653", "country": "FR"}


def _document(**values):
    data = {
        "id": "FRR-820419653-T-20261101",
        "issue_datetime": NOW,
        "type_code": "IN",
        "sender": {"id": "0042", "name": "Plateforme Exemple", "role": "WK"},
        "issuer": {"siren": "820419653", "name": "Atelier Dupont SAS", "role": "SE"},
        "start": D(2026, 11, 1),
        "end": D(2026, 11, 30),
    }
    data.update(values)
    return data


def _invoice(**values):
    inv = {
        "number": "FA2026-0101",
        "date": D(2026, 11, 3),
        "type_code": "380",
        "due_date": D(2026, 12, 3),
        "tax_due": "invoice",
        "framework": "B1",
        "seller": SELLER,
        "buyer": {"id": "IT04119190371", "scheme": "0223", "vat": "IT04119190371", "country": "IT"},
        "subtotals": [
            {
                "base": Decimal("1000"),
                "tax": Decimal("0"),
                "rate": Decimal("0"),
                "category": "K",
                "exemption_reason": "Livraison intracommunautaire, art. 262 ter I du CGI",
                "exemption_code": "VATEX-EU-IC",
            }
        ],
    }
    inv.update(values)
    return inv


def _aggregate(**values):
    agg = {
        "date": D(2026, 11, 4),
        "category": "TLB1",
        "tax_due": "invoice",
        "count": 3,
        "subtotals": [
            {"rate": Decimal("20"), "base": Decimal("100.00"), "tax": Decimal("20.00")},
            {"rate": Decimal("5.5"), "base": Decimal("40.00"), "tax": Decimal("2.20")},
        ],
    }
    agg.update(values)
    return agg


def transactions(**values):
    data = _document(
        kind="transactions",
        invoices=[
            _invoice(),
            _invoice(
                number="FA2026-0102",
                framework="S1",
                buyer={"id": "US123456789", "scheme": "0227", "country": "US"},
                subtotals=[
                    {
                        "base": Decimal("250.10"),
                        "tax": Decimal("0"),
                        "rate": Decimal("0"),
                        "category": "G",
                        "exemption_reason": "Exportation, art. 262 I du CGI",
                        "exemption_code": "VATEX-EU-G",
                    }
                ],
            ),
            _invoice(
                number="AV2026-0007",
                type_code="381",
                origins=[("FA2026-0099", D(2026, 10, 28))],
                subtotals=[
                    {
                        "base": Decimal("100"),
                        "tax": Decimal("0"),
                        "rate": Decimal("0"),
                        "category": "K",
                        "exemption_reason": "Livraison intracommunautaire",
                        "exemption_code": "VATEX-EU-IC",
                    }
                ],
            ),
        ],
        transactions=[_aggregate(), _aggregate(category="TPS1", tax_due="payment")],
    )
    data.update(values)
    return data


def payments(**values):
    data = _document(
        id="FRR-820419653-P-20261101",
        kind="payments",
        invoices=[
            {
                "number": "FA2026-0102",
                "date": D(2026, 10, 3),
                "payment_date": D(2026, 11, 5),
                "subtotals": [{"rate": Decimal("20"), "amount": Decimal("120.00")}],
            }
        ],
        transactions=[
            {
                "date": D(2026, 11, 6),
                "subtotals": [
                    {"rate": Decimal("20"), "amount": Decimal("240")},
                    {"rate": Decimal("10"), "amount": Decimal("55")},
                ],
            }
        ],
    )
    data.update(values)
    return data


# ----------------------------------------------------------------------
# files we build
# ----------------------------------------------------------------------


def test_transactions_file_is_valid():
    xml = frr.build(transactions())
    assert frr.check(xml) == []
    assert b"<TransactionsReport>" in xml and b"<PaymentsReport>" not in xml
    assert b"<TaxExclusiveAmount>140.00</TaxExclusiveAmount>" in xml
    assert b"<TaxTotal>22.20</TaxTotal>" in xml
    assert b"<TypeID>urn.cpro.gouv.fr:1p0:ereporting</TypeID>" in xml


def test_payments_file_is_valid():
    xml = frr.build(payments())
    assert frr.check(xml) == []
    assert b"<PaymentsReport>" in xml and b"<TransactionsReport>" not in xml
    assert b"<Amount>55.00</Amount>" in xml


def test_rectificative_file_is_valid():
    assert frr.check(frr.build(payments(type_code="RE"))) == []


def test_negative_payment_is_the_tolerated_rule_bug():
    data = payments()
    data["transactions"][0]["subtotals"][0]["amount"] = Decimal("-240")
    fired = frr.check(frr.build(data))
    assert frr.rule_ids(fired) == {"G1.16"}
    assert all(item["tolerated"] == "France_RFE#60" for item in fired)
    assert frr.blocking(fired) == []


# ----------------------------------------------------------------------
# the builder refuses what the rules refuse, naming it
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, words",
    [
        ({"kind": None}, "G6.29"),
        ({"type_code": "CO"}, "G8.01"),
        ({"id": "FRR#1"}, "G1.104"),
        ({"issuer": {"siren": "8204", "name": "X"}}, "G6.26"),
        ({"sender": {"id": "42", "name": "Plateforme"}}, "G6.22"),
        ({"end": D(2026, 11, 1)}, "G6.25"),
    ],
)
def test_document_errors(change, words):
    with pytest.raises(frr.FrrError, match=words):
        frr.build(transactions(**change))


def test_credit_note_without_origin_is_refused():
    data = transactions()
    data["invoices"][2]["origins"] = []
    with pytest.raises(frr.FrrError, match="AV2026-0007.*G1.32"):
        frr.build(data)


def test_rate_outside_the_list_is_refused():
    data = transactions()
    data["transactions"][0]["subtotals"][0]["rate"] = Decimal("19")
    with pytest.raises(frr.FrrError, match="19 %.*G1.24"):
        frr.build(data)


def test_buyer_is_required_and_category_known():
    data = transactions()
    data["invoices"][0]["buyer"] = {}
    with pytest.raises(frr.FrrError, match="FA2026-0101.*G6.28"):
        frr.build(data)
    with pytest.raises(frr.FrrError, match="G1.68"):
        frr.build(transactions(transactions=[_aggregate(category="TXX1")]))


def test_amounts_rounded_to_two_decimals():
    assert frr.amount(Decimal("10.005")) == "10.01"
    assert frr.amount(3) == "3.00"
    assert frr.rate(Decimal("20.00")) == "20"
    assert frr.rate("5.50") == "5.5"
    assert frr.rate(0) == "0"


# ----------------------------------------------------------------------
# the checker: each rule family fires on its own broken file
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, rule",
    [
        (b"<TypeCode>IN</TypeCode>", b"<TypeCode>CO</TypeCode>", "G8.01"),
        (b"<TaxExclusiveAmount>140.00<", b"<TaxExclusiveAmount>150.00<", "G1.53"),
        (b"<TaxPercent>5.5</TaxPercent>", b"<TaxPercent>19</TaxPercent>", "G1.24"),
        (b"<CategoryCode>TLB1<", b"<CategoryCode>TXX1<", "G1.68"),
        (b'<CompanyId schemeId="0227">', b'<CompanyId schemeId="0009">', "G2.19"),
        (b"<ID>B1</ID>", b"<ID>Z9</ID>", "G1.02"),
        (b'schemeId="0002">820419653</Id>', b'schemeId="0002">8204196</Id>', "G6.26"),
        (b"<TypeCode>381</TypeCode>", b"<TypeCode>999</TypeCode>", "G1.01"),
        (b"<StartDate>20261101</StartDate>", b"<StartDate>20261201</StartDate>", "G6.25"),
    ],
)
def test_schematron_rule_families(old, new, rule):
    xml = frr.build(transactions())
    assert old in xml, old
    fired = frr.check(xml.replace(old, new, 1))
    assert rule in frr.rule_ids(fired), fired


def test_credit_note_without_reference_fires_g1_32():
    xml = frr.build(transactions())
    start = xml.index(b"<ReferencedDocument>")
    end = xml.index(b"</ReferencedDocument>") + len(b"</ReferencedDocument>")
    assert "G1.32" in frr.rule_ids(frr.check(xml[:start] + xml[end:]))


def test_both_reports_in_one_file_is_refused():
    transactions_xml = frr.build(transactions())
    payments_xml = frr.build(payments())
    block = payments_xml[payments_xml.index(b"<PaymentsReport>") : payments_xml.index(b"</Report>")]
    both = transactions_xml.replace(b"</Report>", block + b"</Report>")
    fired = frr.check(both)
    assert fired and fired[0]["source"] in ("xsd", "flux10")


def test_doctype_and_entities_are_refused():
    xml = frr.build(payments()).decode()
    evil = xml.replace(
        "<Report>",
        '<!DOCTYPE Report [<!ENTITY x SYSTEM "file:///etc/passwd">]><Report>',
    ).replace("<Amount>55.00</Amount>", "<Amount>&x;</Amount>")
    fired = frr.check_xsd(evil)
    assert [item["rule"] for item in fired] == ["XML"]
    assert "DOCTYPE" in fired[0]["text"]
    with pytest.raises(frr.FrrError, match="DOCTYPE"):
        frr.check_schematron(evil)


def test_not_a_report():
    assert frr.check(b"")[0]["rule"] == "XML"
    assert "not a Report" in frr.check(b"<Invoice/>")[0]["text"]


# ----------------------------------------------------------------------
# Odoo's public sample files (odoo/odoo addons/l10n_fr_pdp/tests/data, LGPL; origin in
# ../shared/data/odoo_l10n_fr_pdp_flux10/SOURCE.md)
# ----------------------------------------------------------------------


@pytest.mark.skipif(not SAMPLES, reason=shared_data.missing(*shared_data.FLUX10_EXAMPLES))
@pytest.mark.parametrize("path", SAMPLES, ids=[os.path.basename(p) for p in SAMPLES])
def test_odoo_sample_files_validate(path):
    with open(path, "rb") as handle:
        assert frr.check(handle.read()) == []


# ----------------------------------------------------------------------
# calendar: décret n° 2022-1299 (EREPORTING_FR.md's table) and pyfrctc
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "regime, kind, day, expected",
    [
        # réel normal mensuel: transactions by décade
        (
            "monthly",
            "transactions",
            D(2026, 11, 4),
            (D(2026, 11, 1), D(2026, 11, 10), D(2026, 11, 20)),
        ),
        (
            "monthly",
            "transactions",
            D(2026, 11, 20),
            (D(2026, 11, 11), D(2026, 11, 20), D(2026, 11, 30)),
        ),
        (
            "monthly",
            "transactions",
            D(2026, 2, 25),
            (D(2026, 2, 21), D(2026, 2, 28), D(2026, 3, 10)),
        ),
        (
            "monthly",
            "transactions",
            D(2026, 12, 31),
            (D(2026, 12, 21), D(2026, 12, 31), D(2027, 1, 10)),
        ),
        ("monthly", "payments", D(2026, 11, 4), (D(2026, 11, 1), D(2026, 11, 30), D(2026, 12, 10))),
        # réel normal trimestriel: monthly, the 10th of M+1
        (
            "quarterly",
            "transactions",
            D(2026, 11, 24),
            (D(2026, 11, 1), D(2026, 11, 30), D(2026, 12, 10)),
        ),
        (
            "quarterly",
            "payments",
            D(2026, 12, 24),
            (D(2026, 12, 1), D(2026, 12, 31), D(2027, 1, 10)),
        ),
        # régime simplifié: monthly, the end of M+1
        (
            "simplified",
            "transactions",
            D(2026, 1, 31),
            (D(2026, 1, 1), D(2026, 1, 31), D(2026, 2, 28)),
        ),
        (
            "simplified",
            "payments",
            D(2026, 11, 2),
            (D(2026, 11, 1), D(2026, 11, 30), D(2026, 12, 31)),
        ),
        # franchise en base: two months, the end of the following month
        (
            "franchise",
            "transactions",
            D(2026, 2, 14),
            (D(2026, 1, 1), D(2026, 2, 28), D(2026, 3, 31)),
        ),
        (
            "franchise",
            "payments",
            D(2026, 11, 30),
            (D(2026, 11, 1), D(2026, 12, 31), D(2027, 1, 31)),
        ),
        (
            "franchise",
            "transactions",
            D(2026, 5, 1),
            (D(2026, 5, 1), D(2026, 6, 30), D(2026, 7, 31)),
        ),
    ],
)
def test_calendar(regime, kind, day, expected):
    assert frr.period(day, regime, kind) == expected


def test_periods_cover_a_range_without_gap():
    items = frr.periods(D(2026, 11, 5), D(2026, 12, 15), "monthly", "transactions")
    assert [item[0] for item in items] == [
        D(2026, 11, 1),
        D(2026, 11, 11),
        D(2026, 11, 21),
        D(2026, 12, 1),
        D(2026, 12, 11),
    ]
    for before, after in zip(items, items[1:], strict=False):
        assert after[0] == before[1] + datetime.timedelta(days=1)


@pytest.mark.parametrize("regime", sorted(frr.REGIMES))
def test_calendar_agrees_with_pyfrctc_declaration_days(regime):
    """pyfrctc's get_ereporting_types_to_declare_today names, on a deadline day, the start of
    the period due: ours gives the same deadline for that period."""
    from pyfrctc.ereporting import get_ereporting_types_to_declare_today

    day = D(2026, 1, 1)
    seen = 0
    while day < D(2027, 1, 1):
        due = get_ereporting_types_to_declare_today(frr.REGIMES[regime], 0, today=day)
        for pyfrctc_kind, start in due.items():
            if pyfrctc_kind == "in_transaction":
                continue
            kind = "payments" if pyfrctc_kind == "payment" else "transactions"
            assert frr.period_start(start, regime, kind) == start
            assert frr.period(start, regime, kind)[2] == day, (regime, kind, start)
            seen += 1
        day += datetime.timedelta(days=1)
    assert seen >= 6


def test_unknown_regime():
    with pytest.raises(frr.FrrError, match="regime"):
        frr.period(D(2026, 1, 1), "annual", "payments")
