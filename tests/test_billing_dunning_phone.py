"""The phone numbers of the dunning letter (billing_dunning/tools/phone.py)."""

from conftest import load_tool

phone = load_tool("billing_dunning", "phone")


def test_french_number_national_for_a_french_reader():
    assert phone.format_phone("+33478000000", "FR", "FR") == "04 78 00 00 00"
    assert phone.format_phone("0478000000", "FR", "FR") == "04 78 00 00 00"


def test_international_for_a_foreign_reader():
    assert phone.format_phone("+33478000000", "FR", "DE") == "+33 4 78 00 00 00"
    assert phone.format_phone("+4930123456", "FR", "FR") == "+49 30 123456"


def test_unreadable_kept_as_typed():
    assert phone.format_phone("01 23", "FR", "FR") == "01 23"
    assert phone.format_phone("call the desk", "FR", "FR") == "call the desk"
    assert phone.format_phone(False) == ""
