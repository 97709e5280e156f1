"""The languages the hub writes letters in, and which one a victim's letter is in.

Victims' Code Right 1 (to understand and be understood) and the service specification
(support "where possible, in their first language"). This is the one home of the rule:

- A letter is in the victim's first language when the hub has letters in it (a language is
  listed in LETTER_LANGUAGES only when every kind of letter exists in it, html and txt:
  tests/contact/test_letter_languages.py holds that line), otherwise in English.
- When the hub has no letters in the victim's first language the letter records which
  language it fell back from (`Letter.no_letters_in`), so a VCC sees "Letter in English: no
  letters in <language> yet" on the case and the letter check page.
- An English letter to a victim who needs an interpreter says so in one short line: an
  interpreter will be arranged for the call.
- A letter in another language ends with one line in English, so that a family member or
  support worker can see what it is and how to reach the hub (docs/letters.md).

The translated texts were drafted for the hub and need review by a native speaker before
use with victims (REVIEW, and the comment at the top of each template).
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.choices import LANGUAGES
from contact.models import LetterKind

ENGLISH = "en"

NATIVE_REVIEW_NEEDED = "Machine-drafted for the hub: needs review by a native speaker"


@dataclass(frozen=True)
class LetterLanguage:
    """A language the hub has every kind of letter in: the words around the letter's text
    (its own text is in the templates letters/<kind>_<code>.html and .txt), the email
    subjects, and whether a native speaker has reviewed the wording."""

    code: str
    name: str  # in English, as a VCC reads it
    labels: dict[str, str]
    subjects: dict[str, str]
    review: str
    # Django's month names are capitalised; Romanian and Portuguese write them in lower case.
    lowercase_date: bool = False


LETTER_LANGUAGES: dict[str, LetterLanguage] = {
    language.code: language
    for language in (
        LetterLanguage(
            code="en",
            name="English",
            labels={
                "date": "Date",
                "reference": "Our reference",
                "phone": "Phone",
                "email": "Email",
                "private": "Private and confidential",
                "page": "Page",
                "of": "of",
                "date_format": "j F Y",
            },
            # The email's subject. Never the crime: someone else may read the inbox.
            subjects={
                LetterKind.INTRODUCTORY: "Free support from the Victims' Hub",
                LetterKind.NO_CONTACT: "We tried to call you – Victims' Hub",
                LetterKind.INVITE_TO_CALL: "Please get in touch – Victims' Hub",
            },
            review="Written by the hub",
        ),
        LetterLanguage(
            code="pl",
            name="Polish",
            labels={
                "date": "Data",
                "reference": "Nasz numer referencyjny",
                "phone": "Telefon",
                "email": "E-mail",
                "private": "Prywatne i poufne",
                "page": "Strona",
                "of": "z",
                # E: the month in the genitive ("12 marca 2025").
                "date_format": "j E Y",
            },
            subjects={
                LetterKind.INTRODUCTORY: "Bezpłatne wsparcie z Victims' Hub",
                LetterKind.NO_CONTACT: "Próbowaliśmy się do Ciebie dodzwonić – Victims' Hub",
                LetterKind.INVITE_TO_CALL: "Prosimy o kontakt – Victims' Hub",
            },
            review=NATIVE_REVIEW_NEEDED,
        ),
        LetterLanguage(
            code="lt",
            name="Lithuanian",
            labels={
                "date": "Data",
                "reference": "Mūsų nuorodos numeris",
                "phone": "Telefonas",
                "email": "El. paštas",
                "private": "Asmeniška ir konfidencialu",
                "page": "Puslapis",
                "of": "iš",
                # Lithuanian writes dates year first (2025-03-12).
                "date_format": "Y-m-d",
            },
            subjects={
                LetterKind.INTRODUCTORY: "Nemokama Victims' Hub pagalba",
                LetterKind.NO_CONTACT: "Bandėme jums paskambinti – Victims' Hub",
                LetterKind.INVITE_TO_CALL: "Prašome su mumis susisiekti – Victims' Hub",
            },
            review=NATIVE_REVIEW_NEEDED,
        ),
        LetterLanguage(
            code="pt",
            name="Portuguese",
            labels={
                "date": "Data",
                "reference": "A nossa referência",
                "phone": "Telefone",
                "email": "E-mail",
                "private": "Privado e confidencial",
                "page": "Página",
                "of": "de",
                "date_format": r"j \d\e F \d\e Y",
            },
            subjects={
                LetterKind.INTRODUCTORY: "Apoio gratuito do Victims' Hub",
                LetterKind.NO_CONTACT: "Tentámos telefonar-lhe – Victims' Hub",
                LetterKind.INVITE_TO_CALL: "Por favor, contacte-nos – Victims' Hub",
            },
            review=NATIVE_REVIEW_NEEDED,
            lowercase_date=True,
        ),
        LetterLanguage(
            code="ro",
            name="Romanian",
            labels={
                "date": "Data",
                "reference": "Referința noastră",
                "phone": "Telefon",
                "email": "E-mail",
                "private": "Privat și confidențial",
                "page": "Pagina",
                "of": "din",
                "date_format": "j F Y",
            },
            subjects={
                LetterKind.INTRODUCTORY: "Sprijin gratuit de la Victims' Hub",
                LetterKind.NO_CONTACT: "Am încercat să vă sunăm – Victims' Hub",
                LetterKind.INVITE_TO_CALL: "Vă rugăm să ne contactați – Victims' Hub",
            },
            review=NATIVE_REVIEW_NEEDED,
            lowercase_date=True,
        ),
        LetterLanguage(
            code="lv",
            name="Latvian",
            labels={
                "date": "Datums",
                "reference": "Mūsu atsauces numurs",
                "phone": "Tālrunis",
                "email": "E-pasts",
                "private": "Personīgi un konfidenciāli",
                "page": "Lappuse",
                "of": "no",
                # Latvian numeric dates end with a full stop (12.03.2025.).
                "date_format": "d.m.Y.",
            },
            subjects={
                LetterKind.INTRODUCTORY: "Bezmaksas atbalsts no Victims' Hub",
                LetterKind.NO_CONTACT: "Mēs mēģinājām jums piezvanīt – Victims' Hub",
                LetterKind.INVITE_TO_CALL: "Lūdzu, sazinieties ar mums – Victims' Hub",
            },
            review=NATIVE_REVIEW_NEEDED,
        ),
    )
}


def language_name(code: str) -> str:
    """A language's name in English for a VCC or a letter ("Tigrinya"), or the code."""
    if code in LETTER_LANGUAGES:
        return LETTER_LANGUAGES[code].name
    if code == "other":
        return "the victim's language"
    return dict(LANGUAGES).get(code, code)


@dataclass(frozen=True)
class LetterLanguageChoice:
    """The language a victim's letter is in, and the first language it fell back from
    ("" when the letter is in the victim's own language)."""

    language: str
    no_letters_in: str = ""


def letter_language_for(first_language: str) -> LetterLanguageChoice:
    """The victim's first language when the hub has letters in it, otherwise English, with
    the language it fell back from recorded (Right 1 of the Victims' Code)."""
    code = (first_language or ENGLISH).strip().lower()
    if code in LETTER_LANGUAGES:
        return LetterLanguageChoice(language=code)
    return LetterLanguageChoice(language=ENGLISH, no_letters_in=code)


def rendered_language(language: str) -> LetterLanguage:
    """The language a stored letter is rendered in: its own when the hub (still) has
    letters in it, otherwise English."""
    return LETTER_LANGUAGES.get(language) or LETTER_LANGUAGES[ENGLISH]


def interpreter_line(*, language: str, first_language: str, interpreter_needed: bool) -> str:
    """The one English line on an English letter to a victim who needs an interpreter; ""
    otherwise (a letter in the victim's own language needs none)."""
    if language != ENGLISH or not interpreter_needed:
        return ""
    if first_language and first_language not in (ENGLISH, "other"):
        return (
            f"We will arrange an interpreter in {language_name(first_language)} "
            "for when we speak to you."
        )
    return "We will arrange an interpreter for when we speak to you."


def english_note(*, language: str, hub_name: str, hub_phone: str, reference: str) -> str:
    """The one line in English at the foot of a letter in another language, so that a family
    member or support worker can see what it is; "" on an English letter."""
    if language == ENGLISH:
        return ""
    return (
        f"In English: this is a letter from the {hub_name} in Cambridgeshire and "
        f"Peterborough, written in {language_name(language)}. To speak to us in English, "
        f"phone {hub_phone} and give the reference {reference}."
    )


def fallback_note(no_letters_in: str) -> str:
    """What a VCC sees on a letter that went in English for want of letters in the victim's
    language; "" when it did not."""
    if not no_letters_in:
        return ""
    return f"Letter in English: no letters in {language_name(no_letters_in)} yet"
