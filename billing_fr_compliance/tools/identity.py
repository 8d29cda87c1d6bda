"""Checks of French legal identifiers and phone numbers (pure Python).

Checksums are python-stdnum's; phone numbers are phonenumbers'. Every check returns
``(value, error)``: the normalised value and ``None``, or the input and an error code that the
ORM layer turns into a translated message naming the record and the field.
"""

import re

import phonenumbers
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

# error codes
SIREN_FORMAT = "siren_format"
SIREN_CHECKSUM = "siren_checksum"
SIRET_FORMAT = "siret_format"
SIRET_CHECKSUM = "siret_checksum"
SIRET_SIREN_MISMATCH = "siret_siren_mismatch"
VAT_INVALID = "vat_invalid"
VAT_SIREN_MISMATCH = "vat_siren_mismatch"
PHONE_INVALID = "phone_invalid"

# VAT prefixes of the EU member states (Greece uses EL, Northern Ireland XI)
EU_VAT_PREFIXES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split()
)

_BLANKS = re.compile(r"[\s.\-]")


def compact(value):
    """Remove blanks, dots and dashes; upper-case."""
    return _BLANKS.sub("", value or "").upper()


def check_siren(value):
    siren = compact(value)
    if not re.fullmatch(r"\d{9}", siren):
        return value, SIREN_FORMAT
    if not fr_siren.is_valid(siren):
        return value, SIREN_CHECKSUM
    return siren, None


def check_siret(value, siren=None):
    """Check a SIRET (14 digits, Luhn key or the La Poste rule) and that it starts with
    ``siren`` when one is given."""
    siret = compact(value)
    if not re.fullmatch(r"\d{14}", siret):
        return value, SIRET_FORMAT
    if not fr_siret.is_valid(siret):
        return value, SIRET_CHECKSUM
    if siren and siret[:9] != compact(siren):
        return value, SIRET_SIREN_MISMATCH
    return siret, None


def check_vat(value, siren=None):
    """Check an intra-EU VAT number; a French one must match ``siren`` when given."""
    vat = compact(value)
    if vat.startswith("FR"):
        if not fr_tva.is_valid(vat):
            return value, VAT_INVALID
        if siren and vat[4:] != compact(siren):
            return value, VAT_SIREN_MISMATCH
        return vat, None
    if not eu_vat.is_valid(vat):
        return value, VAT_INVALID
    return vat, None


def siren_from_vat(vat):
    """The SIREN inside a French VAT number, or None."""
    vat = compact(vat)
    if vat.startswith("FR") and len(vat) == 13 and fr_tva.is_valid(vat):
        return vat[4:]
    return None


def vat_from_siren(siren):
    """The French intra-EU VAT number of a SIREN (FR + key + SIREN)."""
    return "FR" + fr_siren.to_tva(compact(siren))


def normalize_phone(value, country_code=None):
    """Return the E.164 form of ``value`` read in ``country_code`` (ISO alpha-2)."""
    if not value or not value.strip():
        return value, None
    try:
        number = phonenumbers.parse(value, (country_code or "FR").upper())
    except phonenumbers.NumberParseException:
        return value, PHONE_INVALID
    if not phonenumbers.is_valid_number(number):
        return value, PHONE_INVALID
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
