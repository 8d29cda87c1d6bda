# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Phone numbers as a reader of a letter dials them, on top of phonenumbers.

A number of the reader's own country prints in its national format ("04 78 00 00 00" for a
French reader), any other in the international format ("+49 30 123456"); what phonenumbers
cannot read prints as it was typed.
"""

import phonenumbers


def format_phone(value, country_code=None, reader_country_code=None):
    """``value`` formatted for a reader in ``reader_country_code``; ``country_code`` is the
    country a number without its international prefix belongs to."""
    if not value:
        return ""
    region = (country_code or reader_country_code or "").upper() or None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    reader = (reader_country_code or "").upper()
    if reader and phonenumbers.region_code_for_number(number) == reader:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
