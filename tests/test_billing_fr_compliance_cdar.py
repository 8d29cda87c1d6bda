"""Lifecycle statuses (CDAR): the official examples parse into the statuses they carry, and every
CDAR we build passes the D22B XSD and the BR-FR-CDV schematron (zero fired rules)."""

import datetime
import glob
import os
import re

import pytest
from conftest import load_tool, shared_data

cdar = load_tool("billing_fr_compliance", "cdar")

# the official examples, from ../shared/data (not in the repository); skipped when absent
EXAMPLES_DIR = shared_data.shared_data(*shared_data.CDAR_EXAMPLES)
EXAMPLES = sorted(glob.glob(os.path.join(EXAMPLES_DIR or "", "*.xml"))) if EXAMPLES_DIR else []
needs_examples = pytest.mark.skipif(
    EXAMPLES_DIR is None, reason=shared_data.missing(*shared_data.CDAR_EXAMPLES)
)
NAME = re.compile(r"^UC\w+?_(?P<number>F\d{9})_\d\d-CDV-(?P<code>\d{3})_")
# The examples are V1.2 (2025); the schematron is V1.4.0. What V1.4 changed and these files
# therefore fire: BR-FR-CDV-02 and CL-01 (the PPF's identifier is now 0000, not 9998) on the
# "POUR_PPF" copies, BR-FR-CDV-16 (SequenceNumeric now required in every status detail).
V14_CHANGES = {"BR-FR-CDV-02", "BR-FR-CDV-CL-01", "BR-FR-CDV-16"}

SELLER = {"ids": {"0002": "820419653"}, "name": "Atelier Dupont SAS", "role": "SE"}
BUYER = {
    "ids": {"0002": "732829320"},
    "name": "Bâtiments Martin SARL",
    "role": "BY",
    "uri": "732829320",
    "uri_scheme": "0225",
}
NOW = datetime.datetime(2026, 11, 30, 10, 15, 0)


def _data(**values):
    data = {
        "document_id": "FA2026-0042_212_20261130101500",
        "issue_datetime": NOW,
        "status_datetime": NOW,
        "sender_role": "SE",
        "issuer": SELLER,
        "recipients": [BUYER],
        "invoice_number": "FA2026-0042",
        "invoice_type": "380",
        "invoice_date": datetime.date(2026, 11, 2),
        "seller_siren": "820419653",
        "code": "212",
        "amounts": [
            {"rate": 20.0, "amount": 1200.0, "currency": "EUR"},
            {"rate": 10.0, "amount": 550.5, "currency": "EUR"},
        ],
    }
    data.update(values)
    return data


@needs_examples
def test_examples_are_there():
    # 59 CDARs of the XP Z12-014 annex B V1.2 (5 use cases), every status of the nominal cycle
    assert len(EXAMPLES) == 59
    codes = {NAME.match(os.path.basename(path))["code"] for path in EXAMPLES}
    assert codes == {"200", "202", "203", "204", "205", "207", "210", "211", "212", "213", "220"}


@needs_examples
@pytest.mark.parametrize("path", EXAMPLES or [None], ids=lambda path: os.path.basename(path or "-"))
def test_official_example_parses_into_its_status(path):
    expected = NAME.match(os.path.basename(path))
    with open(path, "rb") as handle:
        found = cdar.statuses(cdar.parse(handle.read()))
    assert len(found) == 1
    status = found[0]
    assert status["code"] == expected["code"]
    assert status["known"]
    assert status["label"] == cdar.STATUS_LABELS[expected["code"]]
    assert status["invoice_number"] == expected["number"]
    assert status["invoice_date"].year == 2025
    assert status["seller_siren"] == "100000009"
    assert isinstance(status["date"], datetime.datetime)
    assert status["emitter_role"]
    if status["code"] in cdar.REASON_REQUIRED:
        assert status["reason_code"] and status["reason"].strip()
    if status["code"] == "212":
        assert status["amounts"] and all(item["rate"] in (10.0, 20.0) for item in status["amounts"])
        assert all(item["currency"] == "EUR" and item["amount"] for item in status["amounts"])
    assert status["phase"] == (
        "transmission" if status["code"] in cdar.TRANSMISSION else "processing"
    )


@needs_examples
def test_official_example_details():
    def read(name):
        with open(os.path.join(EXAMPLES_DIR, name), "rb") as handle:
            return cdar.statuses(cdar.parse(handle.read()))[0]

    rejected = read("UC2_F202500004_02-CDV-213_Rejetee.xml")
    assert rejected["reason_code"] == "DOUBLON"
    assert "Facture en doublon" in rejected["reason"]
    assert "Facture identique reçue sur une autre adresse" in rejected["reason"]
    disputed = read("UC4_F202500006_04-CDV-207_En_litige.xml")
    assert (disputed["reason_code"], disputed["action_code"]) == ("TX_TVA_ERR", "NIN")
    assert disputed["emitter_role"] == "BY" and disputed["emitter_name"] == "ACHETEUR"
    assert disputed["emitter_id"] == "200000008"
    assert disputed["date"] == datetime.datetime(2025, 7, 1, 18, 0, 0)
    cashed = read("UC1_F202500003_07-CDV-212_Encaissee.xml")
    assert cashed["amounts"] == [{"rate": 20.0, "amount": 12000.0, "currency": "EUR"}]
    assert cashed["emitter_role"] == "SE"


@needs_examples
@pytest.mark.parametrize("path", EXAMPLES or [None], ids=lambda path: os.path.basename(path or "-"))
def test_official_example_validates(path):
    with open(path, "rb") as handle:
        xml = handle.read()
    assert cdar.check_xsd(xml) == []
    fired = cdar.rule_ids(cdar.check_schematron(xml))
    assert fired <= V14_CHANGES
    name = os.path.basename(path)
    if "POUR_PPF" in name:
        assert {"BR-FR-CDV-02", "BR-FR-CDV-CL-01"} <= fired
    if "CDV-212" not in name and "CDV-211" not in name:
        assert "BR-FR-CDV-16" not in fired


def test_built_212_is_valid_and_round_trips():
    xml = cdar.build(_data(recipients=[BUYER, cdar.PPF]))
    assert cdar.check(xml) == []
    status = cdar.statuses(cdar.parse(xml))[0]
    assert status["code"] == "212" and status["label"] == "Encaissée"
    assert status["invoice_number"] == "FA2026-0042"
    assert status["invoice_date"] == datetime.date(2026, 11, 2)
    assert status["seller_siren"] == "820419653"
    assert status["emitter_role"] == "SE"
    assert status["amounts"] == [
        {"rate": 20.0, "amount": 1200.0, "currency": "EUR"},
        {"rate": 10.0, "amount": 550.5, "currency": "EUR"},
    ]
    assert b"<ram:ValuePercent>10.00</ram:ValuePercent>" in xml


@pytest.mark.parametrize(
    "values",
    [
        {"code": "209", "amounts": [], "note": "Bon de commande PO-778 ajouté"},
        {"code": "220", "amounts": [], "invoice_type": "380"},
        {
            "code": "212",
            "invoice_type": "381",
            "amounts": [{"rate": 20.0, "amount": -240.0, "currency": "EUR"}],
        },
        {"code": "207", "amounts": [], "reason_code": "CMD_ERR", "action_code": "PIN"},
    ],
    ids=["209", "220", "212-credit-note", "207"],
)
def test_built_statuses_are_valid(values):
    xml = cdar.build(_data(**values))
    assert cdar.check(xml) == []
    status = cdar.statuses(cdar.parse(xml))[0]
    assert status["code"] == values["code"]
    if values.get("reason_code"):
        assert status["reason"] == cdar.REASON_LABELS[values["reason_code"]]


def test_check_catches_broken_cdars():
    # a 212 without its amounts per VAT rate
    assert "BR-FR-CDV-14" in cdar.rule_ids(cdar.check(cdar.build(_data(amounts=[]))))
    # a dispute without its reason
    assert "BR-FR-CDV-15" in cdar.rule_ids(cdar.check(cdar.build(_data(code="207", amounts=[]))))
    # a reason code outside the list
    fired = cdar.check(cdar.build(_data(code="207", amounts=[], reason_code="PAS_CONTENT")))
    assert "BR-FR-CDV-CL-09" in cdar.rule_ids(fired)
    # not even the XSD: a status detail out of order
    xml = cdar.build(_data()).replace(b"<ram:SequenceNumeric>1</ram:SequenceNumeric>", b"")
    xml = xml.replace(b"</ram:TypeCode>\n          <ram:ReceiptDateTime>", b"</ram:TypeCode>")
    broken = xml.replace(
        b"<ram:ProcessConditionCode>212", b"<ram:Oops/><ram:ProcessConditionCode>212"
    )
    assert cdar.rule_ids(cdar.check(broken)) == {"XSD"}


def test_unknown_status_is_kept():
    xml = (
        cdar.build(_data(code="212"))
        .replace(b">212<", b">299<")
        .replace("Encaissée".encode(), b"Affacturee")
    )
    status = cdar.statuses(cdar.parse(xml))[0]
    assert status["code"] == "299"
    assert not status["known"]
    assert status["label"] == "Affacturee"


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"not xml", "not XML"), (b"<Invoice/>", "not a CDAR")],
)
def test_not_a_cdar(content, message):
    with pytest.raises(cdar.CdarError, match=message):
        cdar.parse(content)
    assert cdar.check(content)[0]["rule"] == "XML"


def test_siren_of():
    assert cdar.siren_of({"0002": "820419653"}) == "820419653"
    assert cdar.siren_of({"0009": "82041965300010"}) == "820419653"
    assert cdar.siren_of({"0225": "820419653_STATUTS"}) == "820419653"
    assert cdar.siren_of({"0238": "9998"}) == ""


def test_received_per_rate():
    lines = [{"rate": 20.0, "total": 1200.0}, {"rate": 10.0, "total": 550.0}]
    # paid in full: the tax-included totals per rate
    assert cdar.received_per_rate(lines, 1750.0, 1750.0) == [
        {"rate": 10.0, "amount": 550.0},
        {"rate": 20.0, "amount": 1200.0},
    ]
    # a third paid: a third of each, the cents adding up
    third = cdar.received_per_rate(lines, 1750.0, 583.33)
    assert round(sum(item["amount"] for item in third), 2) == 583.33
    assert [item["rate"] for item in third] == [10.0, 20.0]
    # a mixed invoice: only the services' share (goods lines are not passed)
    assert cdar.received_per_rate([{"rate": 10.0, "total": 550.0}], 1750.0, 1750.0) == [
        {"rate": 10.0, "amount": 550.0}
    ]
    # a credit note refunded: negative amounts
    assert cdar.received_per_rate(lines[:1], 1200.0, -1200.0) == [{"rate": 20.0, "amount": -1200.0}]
    assert cdar.received_per_rate([], 1750.0, 100.0) == []
    assert cdar.received_per_rate(lines, 0.0, 100.0) == []


def test_a_cdar_about_several_invoices():
    """MultipleReferencesIndicator: one status per referenced invoice (pyfrctc's parse would
    merge them)."""
    from lxml import etree

    root = etree.fromstring(cdar.build(_data(code="205", amounts=[])))
    ack = root.find("rsm:AcknowledgementDocument", cdar.NS)
    ack.find("ram:MultipleReferencesIndicator/udt:Indicator", cdar.NS).text = "true"
    first = ack.find("ram:ReferenceReferencedDocument", cdar.NS)
    second = etree.fromstring(etree.tostring(first))
    second.find("ram:IssuerAssignedID", cdar.NS).text = "FA2026-0043"
    ack.append(second)
    xml = etree.tostring(root)
    assert cdar.check_xsd(xml) == []
    parsed = cdar.parse(xml)
    assert parsed["multiple"] is True
    found = cdar.statuses(parsed)
    assert [s["invoice_number"] for s in found] == ["FA2026-0042", "FA2026-0043"]
    assert {s["code"] for s in found} == {"205"}


# ---------------------------------------------------------------------- current status
def _statuses(*codes_and_days):
    return [
        {"code": code, "date": NOW + datetime.timedelta(days=days), "id": index}
        for index, (code, days) in enumerate(codes_and_days, 1)
    ]


def test_every_known_status_has_a_phase():
    assert set(cdar.PHASE_RANK) == set(cdar.STATUS_LABELS)
    assert {cdar.phase_rank(code) for code in cdar.TRANSMISSION} - {cdar.PHASE_END} == {
        cdar.PHASE_TRANSMISSION
    }


@pytest.mark.parametrize(
    "statuses, current",
    [
        ((("205", 1), ("202", 2)), "205"),  # a late acknowledgment does not go back
        ((("202", 2), ("205", 1)), "205"),  # whatever the order of arrival
        ((("207", 1), ("200", 2), ("202", 3)), "207"),  # the dispute holds
        ((("207", 1), ("205", 2)), "205"),  # same phase: the latest date
        ((("205", 2), ("207", 1)), "205"),
        ((("207", 1), ("212", 2)), "212"),  # paid
        ((("213", 1), ("205", 2)), "213"),  # the end of a cycle is never replaced
        ((("210", 1), ("212", 2)), "210"),
        ((("200", 1), ("299", 2)), "200"),  # an unknown code below every known one
        ((("299", 1),), "299"),
        ((("212", 1), ("212", 1)), "212"),
    ],
)
def test_current_status_follows_the_phases(statuses, current):
    items = _statuses(*statuses)
    assert cdar.current_status(items)["code"] == current
    assert cdar.current_status(reversed(items))["code"] == current


def test_current_status_of_nothing():
    assert cdar.current_status([]) is None
