"""Legal wording of billing_fr_compliance/tools/legal_text.py."""

from conftest import load_tool

legal_text = load_tool("billing_fr_compliance", "legal_text")


def test_operation_nature():
    assert legal_text.operation_nature(["consu", "consu"]) == "goods"
    assert legal_text.operation_nature(["service", None]) == "services"
    assert legal_text.operation_nature(["consu", "service"]) == "mixed"
    assert legal_text.operation_nature(["consu", None]) == "mixed"
    assert legal_text.operation_nature([]) == "services"


def test_format_amount_fr():
    assert legal_text.format_amount_fr(10000) == "10\u202f000\u00a0€"
    assert legal_text.format_amount_fr(1234.5) == "1\u202f234,50\u00a0€"


def test_identity_line():
    line = legal_text.legal_identity_line(
        {
            "legal_form": "SAS",
            "share_capital": 50000,
            "siren": "820419653",
            "rcs_kind": "rcs",
            "rcs_city": "Lyon",
            "siret": "82041965300010",
            "vat": "FR80820419653",
        }
    )
    assert line == (
        "SAS au capital de 50\u202f000\u00a0€ - RCS Lyon 820 419 653 - SIRET 82041965300010"
        " - TVA FR80820419653"
    )
    assert legal_text.legal_identity_line({"legal_form": "EI", "siren": "820419653"}) == (
        "EI - SIREN 820 419 653"
    )
    assert "RM Lyon" in legal_text.legal_identity_line(
        {"siren": "820419653", "rcs_kind": "rm", "rcs_city": "Lyon"}
    )


def test_penalty_and_indemnity_text():
    assert "12,15 %" in legal_text.penalty_text(12.15)
    assert "40 €" in legal_text.indemnity_text("b2b")
    assert legal_text.indemnity_text("b2c") == ""


def test_pdf_engine_header_and_footer():
    pdf_engine = load_tool("billing_fr_compliance", "pdf_engine")
    assert pdf_engine.prints_header_footer("wkhtmltopdf 0.12.6 (with patched qt)\n")
    assert not pdf_engine.prints_header_footer("wkhtmltopdf 0.12.6\n")  # Debian, Ubuntu
    assert not pdf_engine.prints_header_footer("")  # no binary
