"""Phone numbers: the one rule for reading, storing and showing them (issue 16).

A number is read as people write it ("07700 900123", "+44 7700 900123", "(01223) 123456",
"0044 …"), as a UK number unless it starts with + or 00 and a country code, and checked with
Google's libphonenumber (the `phonenumbers` package). It is stored in E.164 ("+447700900123"),
so one number is one string whatever way it was typed (search, the numbers never to call, the
police's amendments all compare strings), and shown in the national format ("07700 900123"; a
number from abroad in the international format, "+33 1 23 45 67 89").

Every form, serializer and search that takes a phone number asks here: `checked` (what the
form fields, core.fields.PhoneField, and the API, core.serializers.PhoneNumberField, refuse),
`to_e164` (None when it is not a phone number); pages show one with `national`, or as a link
with the `tel` filter (core/templatetags/phones.py).
"""

from __future__ import annotations

import phonenumbers

from core.errors import DomainError

REGION = "GB"
INVALID_PHONE = "invalid_phone"
INVALID_MESSAGE = "Enter a phone number, like 01632 960 001 or 07700 900 982"

# Ofcom keeps these ranges for drama and training: they have the shape of real numbers and
# can never ring anyone, so the demo, the tests and the hub's training use them.
# libphonenumber calls them invalid because no one can be given them; the hub accepts them.
# (Ofcom, "Telephone numbers for use in TV and radio drama programmes": each range is a
# national number of 10 digits starting so.)
DRAMA_RANGES = (
    "7700900",  # 07700 900000 to 900999, mobile
    "1134960", "1144960", "1154960", "1164960", "1174960", "1184960", "1214960", "1314960",
    "1414960", "1514960", "1614960", "1914980", "2079460", "2896496", "2920180",
    "1632960",  # 01632 960000 to 960999, no area
    "8081570", "9098790", "3069990",
)


def _parsed(value: str) -> phonenumbers.PhoneNumber | None:
    text = value.strip()
    if not text or sum(c.isdigit() for c in text) < 7:
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number) or _drama(number):
        return number
    return None


def _drama(number: phonenumbers.PhoneNumber) -> bool:
    national_digits = str(number.national_number)
    return (
        number.country_code == 44
        and len(national_digits) == 10
        and national_digits.startswith(DRAMA_RANGES)
    )


def to_e164(value: str) -> str | None:
    """The number as stored ("+447700900123"), or None when `value` is not a phone number."""
    number = _parsed(value)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def checked(value: str) -> str:
    """`value` as stored: blank as it is, a phone number in E.164; anything else is refused
    with the hub's message (a form field and the API show it on their field)."""
    if not value:
        return value
    stored = to_e164(value)
    if stored is None:
        raise DomainError(INVALID_MESSAGE, code=INVALID_PHONE)
    return stored


def national(value: str) -> str:
    """The number as a person reads it: "07700 900123", or "+33 1 23 45 67 89" from abroad.
    What does not parse (an old record) is shown as it was stored."""
    number = _parsed(value)
    if number is None:
        return value
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def same_number(first: str, second: str) -> bool:
    """Whether two numbers as typed are the same number ("07700 900123" and
    "+447700900123" are)."""
    def key(number: str) -> str:
        return to_e164(number) or number.replace(" ", "")

    return key(first) == key(second)
