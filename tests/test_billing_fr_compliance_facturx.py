"""Factur-X EN16931: plain-data invoices -> XML -> XSD + Factur-X + French CTC schematrons."""

import copy
import datetime

import pytest
from conftest import load_tool

data = load_tool("billing_fr_compliance", "facturx_data")
check = load_tool("billing_fr_compliance", "facturx_check")

D = datetime.date
SELLER = {
    "name": "Atelier Dupont SAS",
    "street": "12 rue de la République",
    "zip": "69002",
    "city": "Lyon",
    "country": "FR",
    "siren": "820419653",
    "siret": "82041965300010",
    "vat": "FR80820419653",
    "legal_info": "SAS au capital de 50 000 € - RCS Lyon 820 419 653",
    "email": "compta@dupont.example",
    "phone": "+33472000000",
}
BUYER_FR = {
    "name": "Bâtiments Martin SARL",
    "street": "3 avenue Foch",
    "zip": "75016",
    "city": "Paris",
    "country": "FR",
    "siren": "732829320",
    "siret": "73282932000074",
    "vat": "FR44732829320",
    "email": "factures@martin.example",
}
BUYER_B2C = {
    "name": "Claire Moreau",
    "street": "8 rue des Lilas",
    "zip": "69003",
    "city": "Lyon",
    "country": "FR",
    "email": "claire.moreau@example.com",
}
BUYER_DE = {
    "name": "Müller Maschinenbau GmbH",
    "street": "Industriestraße 5",
    "zip": "70173",
    "city": "Stuttgart",
    "country": "DE",
    "vat": "DE136695976",
    "email": "rechnung@mueller.example",
}
BUYER_CA = {
    "name": "Maple Trading Inc.",
    "street": "100 King Street West",
    "zip": "M5X 1A9",
    "city": "Toronto",
    "country": "CA",
    "email": "ap@maple.example",
}
NOTES = {
    "PMD": "En cas de retard de paiement, des pénalités de retard sont exigibles au taux "
    "annuel de 12,15 %, sans qu'un rappel soit nécessaire (art. L441-10 du Code de commerce).",
    "PMT": "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : "
    "40 € (art. D441-5 du Code de commerce).",
    "AAB": "Pas d'escompte pour paiement anticipé.",
}


def line(name, qty, price, tax, discount=0.0, uom="C62"):
    subtotal = round(qty * price * (1 - discount / 100.0), 2)
    return {
        "name": name,
        "quantity": qty,
        "uom": uom,
        "price_unit": price,
        "discount": discount,
        "subtotal": subtotal,
        "tax": tax,
    }


S20 = {"category": "S", "rate": 20.0}


def base_invoice(**values):
    invoice = {
        "number": "FAC/2026/0001",
        "type_code": "380",
        "issue_date": D(2026, 10, 1),
        "due_date": D(2026, 10, 31),
        "payment_terms": "30 jours date de facture",
        "currency": "EUR",
        "operation_nature": "goods",
        "customer_type": "b2b",
        "seller": dict(SELLER),
        "buyer": dict(BUYER_FR),
        "delivery_date": D(2026, 9, 28),
        "notes": dict(NOTES),
        "bank": {"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP"},
        "lines": [line("Chaise", 10, 80.0, S20)],
    }
    invoice.update(values)
    return copy.deepcopy(invoice)


def fr_b2b():
    return base_invoice(
        operation_nature="mixed",
        purchase_order="PO-778",
        payment_reference="FAC/2026/0001",
        ship_to={
            "name": "Chantier Martin",
            "street": "1 quai Perrache",
            "zip": "69002",
            "city": "Lyon",
            "country": "FR",
        },
        lines=[
            line("Chaise", 10, 80.0, S20, discount=10.0),
            line("Pose", 3, 50.0, {"category": "S", "rate": 10.0}, uom="HUR"),
            line("Livre", 2, 12.35, {"category": "S", "rate": 5.5}),
        ],
        allowances=[{"amount": 20.0, "reason": "Remise commerciale", "tax": S20}],
    )


def b2c():
    notes = dict(NOTES, PMT=data.B2C_INDEMNITY_NOTE)
    return base_invoice(customer_type="b2c", buyer=dict(BUYER_B2C), notes=notes)


def intra_eu_goods():
    return base_invoice(
        buyer=dict(BUYER_DE),
        ship_to=dict(BUYER_DE),
        lines=[line("Machine", 1, 12000.0, {"category": "K", "rate": 0.0})],
    )


def export():
    return base_invoice(
        buyer=dict(BUYER_CA),
        currency="USD",
        tax_total_company_currency=0.0,
        lines=[line("Machine", 2, 5000.0, {"category": "G", "rate": 0.0})],
    )


def franchise():
    return base_invoice(
        operation_nature="services",
        lines=[line("Conseil", 2, 400.0, {"category": "E", "rate": 0.0}, uom="DAY")],
    )


def reverse_charge():
    return base_invoice(
        operation_nature="services",
        buyer=dict(BUYER_DE),
        lines=[line("Audit", 5, 600.0, {"category": "AE", "rate": 0.0}, uom="HUR")],
    )


def out_of_scope_O():
    # billing_dunning's invoice of late interest and the 40 EUR recovery indemnity
    outside = {"category": "O", "rate": 0.0}
    return base_invoice(
        operation_nature="services",
        lines=[
            line("Intérêts de retard sur FAC/2026/0001", 1, 12.34, outside),
            line("Indemnité forfaitaire pour frais de recouvrement", 1, 40.0, outside),
        ],
    )


def credit_note():
    return base_invoice(
        number="AVO/2026/0001",
        type_code="381",
        due_date=None,
        preceding_invoices=[{"number": "FAC/2026/0001", "date": D(2026, 9, 30)}],
        lines=[line("Chaise", 2, 80.0, S20)],
    )


def down_payment():
    return base_invoice(
        type_code="386",
        lines=[line("Acompte 30 %", 1, 300.0, S20)],
    )


def final_after_down_payment():
    lines = [line("Chaise", 10, 100.0, S20), line("Acompte 30 %", -1, 300.0, S20)]
    return base_invoice(
        after_down_payment=True,
        lines=lines,
        preceding_invoices=[{"number": "FAC/2026/0000", "date": D(2026, 9, 1)}],
    )


CASES = {
    "fr_b2b_multi_rate_discount": fr_b2b,
    "b2c": b2c,
    "intra_eu_goods_K": intra_eu_goods,
    "export_G_usd": export,
    "franchise_E": franchise,
    "reverse_charge_AE": reverse_charge,
    "out_of_scope_O": out_of_scope_O,
    "credit_note_381": credit_note,
    "down_payment_386": down_payment,
    "final_after_down_payment": final_after_down_payment,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_valid_documents_pass_all_checks(case):
    xml = data.build_xml(CASES[case]())
    fired = check.check(xml)
    assert fired == [], check.user_messages(fired)


def test_b2b_content():
    xml = data.build_xml(fr_b2b()).decode()
    assert "<ram:ID>M1</ram:ID>" in xml  # BT-23
    assert '<ram:ID schemeID="0002">732829320</ram:ID>' in xml  # buyer SIREN
    assert '<ram:GlobalID schemeID="0009">82041965300010</ram:GlobalID>' in xml
    assert '<ram:URIID schemeID="0225">732829320</ram:URIID>' in xml
    for code in ("PMD", "PMT", "AAB", "BAR"):
        assert xml.count(f"<ram:SubjectCode>{code}</ram:SubjectCode>") == 1
    assert "<ram:Content>B2B</ram:Content>" in xml
    assert "<ram:IBANID>FR7630006000011234567890189</ram:IBANID>" in xml
    assert "<ram:BICID>AGRIFRPP</ram:BICID>" in xml
    assert "<ram:IssuerAssignedID>PO-778</ram:IssuerAssignedID>" in xml
    for rate in ("20", "10", "5.5"):
        assert f"<ram:RateApplicablePercent>{rate}</ram:RateApplicablePercent>" in xml
    # 720 + 150 + 24.70 - 20 = 874.70 ; VAT 140 + 15 + 1.36
    assert "<ram:TaxBasisTotalAmount>874.70</ram:TaxBasisTotalAmount>" in xml
    assert "<ram:GrandTotalAmount>1031.06</ram:GrandTotalAmount>" in xml


@pytest.mark.parametrize(
    "case, category, code",
    [
        (intra_eu_goods, "K", "VATEX-EU-IC"),
        (export, "G", "VATEX-EU-G"),
        (franchise, "E", "VATEX-FR-FRANCHISE"),
        (reverse_charge, "AE", "VATEX-EU-AE"),
        (out_of_scope_O, "O", "VATEX-EU-O"),
    ],
)
def test_exemption_codes_and_reasons(case, category, code):
    xml = data.build_xml(case()).decode()
    assert f"<ram:CategoryCode>{category}</ram:CategoryCode>" in xml
    assert f"<ram:ExemptionReasonCode>{code}</ram:ExemptionReasonCode>" in xml
    assert "<ram:ExemptionReason>" in xml


def test_out_of_scope_invoice():
    xml = data.build_xml(out_of_scope_O()).decode()
    assert "<ram:ExemptionReason>Hors champ d'application de la TVA</ram:ExemptionReason>" in xml
    # no VAT rate and no VAT identifier on an invoice outside the scope of VAT (BR-O-02/05)
    assert "RateApplicablePercent" not in xml
    assert 'schemeID="VA"' not in xml
    assert xml.count("<ram:CategoryCode>O</ram:CategoryCode>") == 3  # two lines, one group
    assert '<ram:TaxTotalAmount currencyID="EUR">0.00</ram:TaxTotalAmount>' in xml
    assert "<ram:GrandTotalAmount>52.34</ram:GrandTotalAmount>" in xml
    # the VAT identifiers stay on every other invoice
    assert 'schemeID="VA">FR80820419653<' in data.build_xml(fr_b2b()).decode()
    # a B2C invoice of the same lines is valid too
    invoice = out_of_scope_O()
    invoice.update(customer_type="b2c", buyer=dict(BUYER_B2C))
    invoice["notes"]["PMT"] = data.B2C_INDEMNITY_NOTE
    assert check.check(data.build_xml(invoice)) == []


def test_bar_and_addresses_of_foreign_and_private_buyers():
    assert data.bar_treatment(b2c()) == "B2C"
    assert data.bar_treatment(intra_eu_goods()) == "B2BINT"
    xml = data.build_xml(b2c()).decode()
    assert '<ram:URIID schemeID="EM">claire.moreau@example.com</ram:URIID>' in xml


def test_credit_note_references_its_invoice():
    xml = data.build_xml(credit_note()).decode()
    assert "<ram:TypeCode>381</ram:TypeCode>" in xml
    assert "<ram:InvoiceReferencedDocument>" in xml
    assert "<ram:IssuerAssignedID>FAC/2026/0001</ram:IssuerAssignedID>" in xml


def test_final_invoice_after_down_payment_is_b4():
    assert data.business_process(final_after_down_payment()) == "B4"
    xml = data.build_xml(final_after_down_payment()).decode()
    assert '<ram:BilledQuantity unitCode="C62">-1</ram:BilledQuantity>' in xml


def _drop_buyer_siren(invoice):
    invoice["buyer"].pop("siren")
    invoice["buyer"].pop("siret")


def _drop_pmt(invoice):
    invoice["notes"].pop("PMT")


def _drop_nature(invoice):
    invoice["operation_nature"] = None


def _drop_due_date(invoice):
    invoice["due_date"] = None


def _drop_origin(invoice):
    invoice["preceding_invoices"] = []


@pytest.mark.parametrize(
    "make, mutate, rule, message",
    [
        (fr_b2b, _drop_buyer_siren, "BR-FR-11", "Le SIREN du client est absent (BR-FR-11)"),
        (fr_b2b, _drop_pmt, "BR-FR-05", "(note PMT) est absente (BR-FR-05)"),
        (fr_b2b, _drop_nature, "BR-FR-08", "BT-23) est absente ou invalide (BR-FR-08)"),
        (fr_b2b, _drop_due_date, "FR-L441-9", "La date d'échéance"),
        (credit_note, _drop_origin, "BR-FR-CO-05", "L'avoir ne référence pas la facture"),
    ],
)
def test_mutations_fire_the_expected_rule(make, mutate, rule, message):
    invoice = make()
    assert check.check(data.build_xml(invoice)) == []
    mutate(invoice)
    fired = check.check(data.build_xml(invoice))
    assert rule in check.rule_ids(fired)
    messages = check.user_messages(fired)
    assert any(message in text and "À corriger" in text for text in messages), messages


def test_xsd_failure_is_reported():
    fired = check.check(b"<foo/>")
    assert [item["rule"] for item in fired] == ["XSD"]
    assert "XSD" in check.user_messages(fired)[0]


def test_unknown_rule_keeps_schematron_text():
    item = {"rule": "BR-XX-99", "source": "en16931", "flag": "fatal", "text": "Some text."}
    assert check.user_message(item) == "Some text. (BR-XX-99)"
