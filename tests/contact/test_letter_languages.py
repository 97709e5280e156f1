"""Letters in the victim's language (Victims' Code Right 1): every kind of letter in every
language the hub lists, the rule that picks the language, the English fallback a VCC sees,
the interpreter line and the English line at the foot of a translated letter."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.template import engines
from django.urls import reverse
from pypdf import PdfReader

from contact.letter_languages import ENGLISH, LETTER_LANGUAGES, letter_language_for
from contact.letters import render_letter, render_letter_text, subject_for
from contact.models import Channel, Letter, LetterKind
from contact.services import queue_letter
from tests.factories import CaseFactory, LetterFactory, PersonFactory
from tests.outbound import dispatch

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates" / "letters"
MISSING = "@@MISSING-PLACEHOLDER@@"
KINDS = [kind.value for kind in LetterKind]
LANGUAGES = list(LETTER_LANGUAGES)
TRANSLATED = [code for code in LANGUAGES if code != ENGLISH]



def person(**extra):
    fields = {"first_name": "Ann", "last_name": "Example", "address_line1": "1 High St",
              "town": "Wisbech", "postcode": "PE13 1AA", "email": ""}
    return PersonFactory(**{**fields, **extra})


def letter_in(language: str, kind: str = LetterKind.INTRODUCTORY, **extra) -> Letter:
    return LetterFactory(case=CaseFactory(person=person(**extra)), kind=kind, language=language)


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


@pytest.fixture
def strict_templates():
    """Render with string_if_invalid set to a marker: a placeholder a letter names but the
    context lacks shows up as the marker instead of silently as nothing."""
    engine = engines["django"].engine
    before = engine.string_if_invalid
    engine.string_if_invalid = MISSING
    yield
    engine.string_if_invalid = before


# -- One home: a listed language has every letter ------------------------------------------


def test_every_kind_of_letter_exists_in_every_listed_language_and_no_other():
    expected = {f"{kind}_{code}.{ext}" for kind in KINDS for code in LANGUAGES
                for ext in ("html", "txt")}
    found = {p.name for p in TEMPLATES.glob("*_*.*") if not p.name.startswith("_")}
    assert expected - found == set(), "a listed language is missing a letter"
    assert found - expected == set(), "a letter in a language the hub does not list"
    for code in LANGUAGES:
        language = LETTER_LANGUAGES[code]
        assert set(language.subjects) == set(KINDS)
        assert set(language.labels) == set(LETTER_LANGUAGES[ENGLISH].labels)


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_translation_says_it_needs_a_native_speakers_review(code):
    for kind in KINDS:
        for ext in ("html", "txt"):
            first = (TEMPLATES / f"{kind}_{code}.{ext}").read_text().splitlines()[0]
            assert first.startswith("{#") and "needs review by a native speaker" in first


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_letter_renders_with_the_reference_and_no_missing_placeholder(
    kind, code, strict_templates
):
    letter = letter_in(code, kind)
    html, text = render_letter_text(letter)
    for rendered in (html, text):
        assert MISSING not in rendered
        assert "{{" not in rendered and "{%" not in rendered
        assert letter.case.reference in rendered
        assert django_settings.HUB_PHONE in rendered and "999" in rendered
    assert f'<html lang="{code}">' in html
    assert "Ann Example" in html  # the address block
    assert subject_for(letter) == LETTER_LANGUAGES[code].subjects[kind]


@pytest.mark.parametrize("code", TRANSLATED)
def test_one_pdf_per_language_renders_its_own_letters_and_the_english_line(code):
    """WeasyPrint is slow: one kind per language as a PDF (the rest as HTML above)."""
    letter = letter_in(code, LetterKind.NO_CONTACT)
    pdf, text = render_letter(letter)
    content = pdf_text(pdf)
    assert letter.case.reference in content and "Ann Example" in content
    # Its own title, diacritics and all (ą, ė, ș, ț, ā, ē …: the font has them).
    title = LETTER_LANGUAGES[code].subjects[LetterKind.NO_CONTACT].removesuffix(" – Victims' Hub")
    assert title in content
    name = LETTER_LANGUAGES[code].name
    # The English line at the foot, for a family member or support worker.
    assert "In English: this is a letter from the Victims' Hub" in content
    assert f"written in {name}" in content and f"written in {name}" in text
    assert "arrange an interpreter" not in content


@pytest.mark.parametrize(
    "code,expected",
    [("en", "12 March 2025"), ("pl", "12 marca 2025"), ("lt", "2025-03-12"),
     ("pt", "12 de março de 2025"), ("ro", "12 martie 2025"), ("lv", "12.03.2025.")],
)
def test_the_date_is_written_as_the_language_writes_it(code, expected):
    html, _ = render_letter_text(letter_in(code), today=date(2025, 3, 12))
    assert f"{LETTER_LANGUAGES[code].labels['date']}: {expected}" in html


# -- The rule ---------------------------------------------------------------------------


def test_a_lithuanian_speaker_gets_a_lithuanian_letter():
    case = CaseFactory(person=person(first_language="lt", interpreter_needed=True))
    letter = queue_letter(case=case, kind=LetterKind.INTRODUCTORY)
    assert (letter.language, letter.no_letters_in, letter.language_fallback) == ("lt", "", "")

    html, text = render_letter_text(letter)
    assert "Nemokama Victims' Hub pagalba" in html
    assert text.startswith("Laba diena,")
    assert "ATKURIAMASIS TEISINGUMAS (RESTORATIVE JUSTICE)" in text
    # In their own language: no English interpreter line.
    assert "arrange an interpreter" not in html


def test_a_tigrinya_speaker_who_needs_an_interpreter_gets_english_saying_one_is_arranged(
    client, vcc_user
):
    case = CaseFactory(person=person(first_language="ti", interpreter_needed=True))
    letter = queue_letter(case=case, kind=LetterKind.INTRODUCTORY)
    assert (letter.language, letter.no_letters_in) == (ENGLISH, "ti")

    html, text = render_letter_text(letter)
    line = "We will arrange an interpreter in Tigrinya for when we speak to you."
    assert line in html and line in text
    assert text.startswith(f"Dear Ann Example,\n\n{line}")
    assert "In English:" not in text  # the foot line is for translated letters only

    # The VCC sees the fallback on the case page.
    client.force_login(vcc_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Letter in English: no letters in Tigrinya yet" in page


def test_no_interpreter_line_when_none_is_needed():
    case = CaseFactory(person=person(first_language="so", interpreter_needed=False))
    letter = queue_letter(case=case, kind=LetterKind.NO_CONTACT)
    assert (letter.language, letter.language_fallback) == (
        ENGLISH, "Letter in English: no letters in Somali yet")
    assert "arrange an interpreter" not in render_letter_text(letter)[1]


def test_an_english_speaker_records_no_fallback():
    assert letter_language_for("en").no_letters_in == ""
    assert letter_language_for("").language == ENGLISH
    assert letter_language_for("LT").language == "lt"


def test_the_check_page_shows_the_fallback(client, vcc_user):
    case = CaseFactory(person=person(first_language="ti", interpreter_needed=True))
    letter = queue_letter(case=case, kind=LetterKind.INTRODUCTORY)
    client.force_login(vcc_user)
    page = client.get(reverse("contact:check_letter", args=[case.pk, letter.pk])).content.decode()
    assert "Letter in English: no letters in Tigrinya yet" in page
    assert "We will arrange an interpreter in Tigrinya" in page


def test_a_lithuanian_email_is_in_lithuanian_with_the_english_line():
    case = CaseFactory(person=person(first_language="lt", email="ona@example.org"))
    letter = queue_letter(case=case, kind=LetterKind.INTRODUCTORY)
    assert letter.channel == Channel.EMAIL
    dispatch()

    [message] = mail.outbox
    assert message.subject == "Nemokama Victims' Hub pagalba"
    assert message.body.startswith("Laba diena,")
    assert "Jei jums dabar gresia pavojus, skambinkite 999." in message.body
    assert case.reference in message.body
    last = message.body.strip().splitlines()[-1]
    assert re.match(r"In English: this is a letter from the Victims' Hub .* Lithuanian\.", last)
    [(filename, content, mimetype)] = message.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")

