"""A restaurant's address and phone number as people of its country write them.

The platform sends the parts (street, city, state, ZIP, country; the phone's
digits and country calling code); the order and the punctuation depend on
the country: "Chicago, IL 60625" in the US, "10115 Berlin" in Germany.
"""

from dataclasses import dataclass

import phonenumbers

# Countries that write "city, state ZIP"; most of the others write the postal
# code first and no region ("75001 Paris"), the United Kingdom and Ireland
# after the town.
CITY_STATE_ZIP = {"US", "CA", "AU"}
POSTCODE_LAST = {"GB", "IE"}


def address_lines(restaurant) -> list[str]:
    """The address, one line per list item; empty when the platform sent none."""
    street = _join(", ", restaurant.address1, restaurant.address2)
    city, zip_code = _clean(restaurant.city), _clean(restaurant.zip_code)
    state = _clean(restaurant.state_code) or _clean(restaurant.administrative_area)
    country = _clean(restaurant.country)
    code = country.upper()
    if code in CITY_STATE_ZIP:
        locality = [_join(", ", city, _join(" ", state, zip_code))]
    elif code in POSTCODE_LAST:
        locality = [city, zip_code]
    else:
        locality = [_join(" ", zip_code, city)]
    return [line for line in [street, *locality, country] if line]


def _clean(value) -> str:
    return (value or "").strip()


def _join(separator: str, *parts) -> str:
    return separator.join(part for part in map(_clean, parts) if part)


@dataclass(frozen=True)
class Phone:
    text: str  # as the restaurant's country writes it
    href: str | None  # a tel: link, for a number that parses


def phone(restaurant) -> Phone | None:
    """The phone number in the restaurant's country's format, or as sent when it does not
    parse (it is the platform's text: shown, never trusted)."""
    digits = _clean(restaurant.phone)
    if not digits:
        return None
    calling_code = _clean(restaurant.phone_country_code).lstrip("+")
    sent = f"+{calling_code} {digits}" if calling_code else digits
    number = _parse(sent if calling_code else digits, _clean(restaurant.country).upper() or None)
    if number is None:
        return Phone(sent, None)
    home = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home and home == _clean(restaurant.country).upper()
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(phonenumbers.format_number(number, style), f"tel:{e164}")


def _parse(text: str, region: str | None):
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None
