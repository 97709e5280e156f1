"""Rendering and sending the letters: the introductory letter and the no-contact follow-up.

Service specification (Appendix 2): "contact every single victim of crime by letter or email
to highlight the services available within the Victims' Hub – to include Restorative
Justice"; "three attempts at differing times and days; with a follow up letter if contact is
not established"; support "where possible, in their first language".

Rules kept here:
- A letter is rendered from the templates `letters/<kind>_<language>.html` (PDF, through
  WeasyPrint) and `.txt` (the email body); which language is contact.letter_languages' rule.
- WeasyPrint never fetches anything: the fetcher refuses every URL but `data:`. The CSS is
  inline in the templates.
- What a victim or an officer typed reaches the PDF only through Django's autoescaping.
- A failure to render or send is retried by the one retry policy of scheduled work
  (scheduling.services); the letter shows the error (never personal data), and is marked
  failed for a VCC to send again when the policy gives up.
- A letter or email to a victim at risk waits for a VCC's safety check, whatever the channel
  (contact.letter_checks, issue 12).
- An ordinary email is sent once it is rendered; a postal letter waits to be approved (unless the
  setting says postal letters need no approval) and is marked sent when the post room
  prints it.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date

import pghistory
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import get_template
from django.utils import dateformat, timezone, translation
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from accounts.models import User
from audit.selectors import casework_for
from contact.letter_checks import waiting_for_check
from contact.letter_languages import (
    LETTER_LANGUAGES,
    english_note,
    interpreter_line,
    rendered_language,
)
from contact.models import Channel, Letter, LetterStatus
from contact.signals import letters_sent
from core.errors import DomainError
from scheduling.outbound import hand_over
from scheduling.services import WorkFailed

log = logging.getLogger(__name__)

NO_LETTERS_TO_PRINT = "There are no approved letters waiting to be printed."


# -- Fetching: nothing but data: URLs --------------------------------------------------------


class DataOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that refuses every URL except `data:`.

    A letter's template could otherwise make the renderer read local files (file:///etc/…)
    or call out to the network (SSRF). Refused URLs are kept in `refused` for the logs and
    the tests; WeasyPrint leaves the resource out and goes on rendering.
    """

    def __init__(self, **kwargs):
        kwargs["allowed_protocols"] = ("data",)
        kwargs["allow_redirects"] = False
        super().__init__(**kwargs)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if not str(url).lower().startswith("data:"):
            self.refused.append(str(url)[:200])
            raise ValueError(f"Letters may not fetch {str(url)[:80]!r}: only data: URLs.")
        return super().fetch(url, headers)


def html_to_pdf(html: str, *, fetcher: DataOnlyURLFetcher | None = None) -> bytes:
    """Render HTML to PDF bytes with the data-only fetcher (and no base URL)."""
    fetcher = fetcher or DataOnlyURLFetcher()
    pdf = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    if fetcher.refused:
        log.warning("letter rendering refused %d URL(s)", len(fetcher.refused))
    return pdf


# -- Rendering ---------------------------------------------------------------------------


def _address_lines(person) -> list[str]:
    lines = [person.address_line1, person.address_line2, person.town, person.postcode.upper()]
    return [line.strip() for line in lines if line and line.strip()]


def letter_context(letter: Letter, *, language: str, today: date | None = None) -> dict:
    case = letter.case
    person = case.person
    today = today or timezone.localdate()
    labels = LETTER_LANGUAGES[language].labels
    with translation.override(language):
        today_text = dateformat.format(today, labels["date_format"])
    if LETTER_LANGUAGES[language].lowercase_date:
        today_text = today_text.lower()
    return {
        "lang": language,
        "labels": labels,
        # Right 1: an English letter to a victim who needs an interpreter says one will be
        # arranged; a letter in another language ends with one line in English.
        "interpreter_line": interpreter_line(
            language=language,
            first_language=person.first_language,
            interpreter_needed=person.interpreter_needed,
        ),
        "english_note": english_note(
            language=language,
            hub_name=settings.HUB_NAME,
            hub_phone=settings.HUB_PHONE,
            reference=case.reference,
        ),
        "kind": letter.kind,
        "name": person.full_name,
        "first_name": person.first_name,
        "address_lines": _address_lines(person),
        "reference": case.reference,
        "today": today,
        "today_text": today_text,
        "hub_name": settings.HUB_NAME,
        "hub_address_lines": [p.strip() for p in settings.HUB_ADDRESS.split(",") if p.strip()],
        "hub_phone": settings.HUB_PHONE,
        "hub_email": settings.HUB_EMAIL,
    }


def render_letter(letter: Letter) -> tuple[bytes, str]:
    """The letter as (PDF bytes, plain text), in its language or else English."""
    html, text = render_letter_text(letter)
    return html_to_pdf(html), text


def render_letter_text(letter: Letter, *, today: date | None = None) -> tuple[str, str]:
    """The letter's HTML (for the PDF) and plain text (the email body), in its language or,
    when the hub has no letters in it, English (contact.letter_languages)."""
    language = rendered_language(letter.language).code
    context = letter_context(letter, language=language, today=today)
    name = f"letters/{letter.kind}_{language}"
    with translation.override(language):
        html = get_template(f"{name}.html").render(context)
        text = get_template(f"{name}.txt").render(context)
    return html, _tidy_text(text)


def _tidy_text(text: str) -> str:
    """Template tags leave blank-line runs and trailing spaces behind in the plain text."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def subject_for(letter: Letter) -> str:
    """The email's subject in the letter's language. Never the crime: someone else may read
    the inbox."""
    return rendered_language(letter.language).subjects[letter.kind]


# -- Sending -----------------------------------------------------------------------------


def _describe_error(error: Exception, person) -> str:
    """The exception's type and message, with anything personal about the victim taken out
    (an SMTP refusal names the recipient's address, for example)."""
    message = f"{type(error).__name__}: {error}"
    personal = [
        person.email,
        person.phone,
        person.first_name,
        person.last_name,
        person.address_line1,
        person.address_line2,
        person.town,
        person.postcode,
    ]
    for value in sorted((v for v in personal if v and len(v.strip()) > 1), key=len, reverse=True):
        pattern = rf"(?<!\w){re.escape(value.strip())}(?!\w)"  # whole words: not "c-ann-ot"
        message = re.sub(pattern, "[removed]", message, flags=re.IGNORECASE)
    return message[:500]


def send_letter(letter: Letter) -> None:
    """Render the letter and send it (email) or make it ready for the post room (post).

    Called by the scheduled item with the letter row locked (contact.handlers). A failure
    raises WorkFailed with the error, anything personal about the victim taken out, for the
    one retry policy (scheduling.services.record_failure): a refused or failed email, or a
    render that failed, is tried again; a letter it is no longer safe (or possible) to send
    fails at once. The letter shows the last error, and is marked failed, for a VCC to send
    again, when the policy gives up (contact.handlers.record_letter_failure).

    A letter to a victim at risk (contact.letter_checks.needs_safety_check) is rendered and
    then waits, whatever its channel, until a VCC approves it on its check page; it is never
    sent before, and a stopped letter never.
    """
    if letter.status in (LetterStatus.SENT, LetterStatus.STOPPED):
        return
    person = letter.case.person
    problem = _why_not(letter, person)
    if problem:
        raise WorkFailed(problem, retry=False)
    now = timezone.now()
    fields = ["status", "error", "pdf", "text", "rendered_at", "sent_at", "approved_at",
              "approved_by"]
    held_for_check = waiting_for_check(letter)
    try:
        pdf, text = render_letter(letter)
        letter.pdf, letter.text, letter.rendered_at = pdf, text, now
        letter.status, letter.error = LetterStatus.RENDERED, ""
        if held_for_check:
            # Rendered for the VCC's check page, and sent only once approved (issue 12).
            letter.save(update_fields=fields)
            return
        if letter.channel == Channel.EMAIL:
            message = EmailMessage(
                subject=subject_for(letter),
                body=text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[person.email],
            )
            message.attach(letter.filename, pdf, "application/pdf")
            letter.status, letter.sent_at = LetterStatus.SENT, timezone.now()

            def save() -> None:
                letter.save(update_fields=fields)
                letters_sent.send(sender=Letter, letters=[letter])

            hand_over(message, save=save)
            return
        if not settings.HUB_POSTAL_LETTERS_NEED_APPROVAL:
            letter.approved_at, letter.approved_by = now, None
    except Exception as error:
        log.warning("letter %s failed: %s", letter.pk, type(error).__name__)
        raise WorkFailed(_describe_error(error, person)) from error
    letter.save(update_fields=fields)


def _why_not(letter: Letter, person) -> str:
    """Why the letter cannot go at all (trying again will not help), or ""."""
    if not person.safe_to_write:
        return "It is no longer safe to write to the victim."
    if letter.channel == Channel.POST and not (person.address_line1 and person.postcode):
        return "The victim has no postal address."
    if letter.channel == Channel.EMAIL and not person.email:
        return "The victim has no email address."
    return ""


# -- The post room ---------------------------------------------------------------------


@dataclass
class PrintBatch:
    pdf: bytes
    letters: list[Letter] = field(default_factory=list)

    @property
    def case_ids(self) -> list[int]:
        return sorted({letter.case_id for letter in self.letters})

    @property
    def person_ids(self) -> list[int]:
        return sorted({letter.case.person_id for letter in self.letters})


def join_letters(letters: list[Letter]) -> bytes:
    """One PDF of the letters' stored PDFs, in order."""
    writer = PdfWriter()
    for letter in letters:
        writer.append(PdfReader(io.BytesIO(bytes(letter.pdf))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def postal_letters_waiting(user: User | None = None):
    """Postal letters rendered, approved and not yet printed (of the user's casework)."""
    letters = Letter.objects.filter(
        channel=Channel.POST,
        status=LetterStatus.RENDERED,
        approved_at__isnull=False,
        sent_at__isnull=True,
        pdf__isnull=False,
    )
    if user is not None:
        letters = letters.filter(case__in=casework_for(user))
    return letters


def postal_letters_awaiting_approval(user: User | None = None):
    """Postal letters rendered and waiting for a VCC's approval before the post room may
    print them (of the user's casework)."""
    letters = Letter.objects.filter(
        channel=Channel.POST, status=LetterStatus.RENDERED, approved_at__isnull=True
    )
    if user is not None:
        letters = letters.filter(case__in=casework_for(user))
    return letters


def take_print_run(*, by: User) -> PrintBatch:
    """Lock the approved postal letters waiting, join them into one PDF and mark them sent.

    Only the letters of cases `by` may open go into the run: a restricted case's letter
    waits for a manager or the VCC it is allocated to.
    """
    with transaction.atomic(), pghistory.context(user=by.pk, via="post_room"):
        letters = list(
            postal_letters_waiting(by)
            .select_for_update(of=("self",))
            .select_related("case")
            .order_by("approved_at", "pk")
        )
        if not letters:
            raise DomainError(NO_LETTERS_TO_PRINT)
        pdf = join_letters(letters)
        now = timezone.now()
        Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(
            status=LetterStatus.SENT, sent_at=now
        )
        for letter in letters:
            letter.status, letter.sent_at = LetterStatus.SENT, now
        letters_sent.send(sender=Letter, letters=letters)
    return PrintBatch(pdf=pdf, letters=letters)


def print_run(*, by: User) -> tuple[bytes, int]:
    """Today's print run: (the joined PDF, how many letters)."""
    batch = take_print_run(by=by)
    return batch.pdf, len(batch.letters)


def letters_sent_on(day: date, user: User | None = None):
    """The postal letters printed on a day (local time), in the order they were printed."""
    letters = Letter.objects.filter(
        channel=Channel.POST, status=LetterStatus.SENT, sent_at__date=day, pdf__isnull=False
    )
    if user is not None:
        letters = letters.filter(case__in=casework_for(user))
    return letters.select_related("case").order_by("sent_at", "approved_at", "pk")


def day_batch_letters(day: date, user: User | None = None) -> PrintBatch:
    letters = list(letters_sent_on(day, user))
    return PrintBatch(pdf=join_letters(letters) if letters else b"", letters=letters)


def day_batch(day: date) -> bytes:
    """The joined PDF of the postal letters sent on that day, to print again."""
    return day_batch_letters(day).pdf
