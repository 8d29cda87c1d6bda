"""SIREN / SIRET / VAT / phone checks of billing_fr_compliance/tools/identity.py."""

import pytest
from conftest import load_tool

identity = load_tool("billing_fr_compliance", "identity")


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("552081317", "552081317", None),
        ("552 081 317", "552081317", None),
        ("552.081.317", "552081317", None),
        ("552081318", "552081318", identity.SIREN_CHECKSUM),
        ("55208131", "55208131", identity.SIREN_FORMAT),
        ("55208131A", "55208131A", identity.SIREN_FORMAT),
        ("", "", identity.SIREN_FORMAT),
    ],
)
def test_check_siren(value, expected, error):
    assert identity.check_siren(value) == (expected, error)


def test_check_siret():
    assert identity.check_siret("552 081 317 00018") == ("55208131700018", None)
    assert identity.check_siret("55208131700018", "552081317") == ("55208131700018", None)
    assert identity.check_siret("55208131700019")[1] == identity.SIRET_CHECKSUM
    assert identity.check_siret("5520813170001")[1] == identity.SIRET_FORMAT
    assert identity.check_siret("40348302700013", "552081317")[1] == (identity.SIRET_SIREN_MISMATCH)
    # La Poste establishments: SIREN 356000000, key rule on the digit sum (stdnum knows it)
    assert identity.check_siret("35600000000048") == ("35600000000048", None)


def test_check_vat():
    assert identity.check_vat("fr 03 552081317") == ("FR03552081317", None)
    assert identity.check_vat("FR03552081317", "552081317") == ("FR03552081317", None)
    assert identity.check_vat("FR61403483027", "552081317")[1] == identity.VAT_SIREN_MISMATCH
    assert identity.check_vat("FR00552081317")[1] == identity.VAT_INVALID
    assert identity.check_vat("DE129273398") == ("DE129273398", None)
    assert identity.check_vat("DE123456789")[1] == identity.VAT_INVALID


def test_siren_vat_conversions():
    assert identity.siren_from_vat("FR03552081317") == "552081317"
    assert identity.siren_from_vat("FR00552081317") is None
    assert identity.siren_from_vat("DE129273398") is None
    assert identity.vat_from_siren("552081317") == "FR03552081317"
    assert identity.vat_from_siren("820 419 653") == "FR80820419653"


@pytest.mark.parametrize(
    ("value", "country", "expected", "error"),
    [
        ("01 42 00 00 00", "FR", "+33142000000", None),
        ("06.12.34.56.78", "fr", "+33612345678", None),
        ("+33 6 12 34 56 78", "DE", "+33612345678", None),
        ("0711 123456", "DE", "+49711123456", None),
        ("01 42 00 00 00", None, "+33142000000", None),
        ("12", "FR", "12", identity.PHONE_INVALID),
        ("not a phone", "FR", "not a phone", identity.PHONE_INVALID),
        ("", "FR", "", None),
    ],
)
def test_normalize_phone(value, country, expected, error):
    assert identity.normalize_phone(value, country) == (expected, error)
