"""The letters: rendering (PDF and text), sending, the post room, downloads, end to end."""

from __future__ import annotations

import base64
import io
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from audit.models import AccessLog
from contact import letters
from contact.letters import (
    NO_LETTERS_TO_PRINT,
    DataOnlyURLFetcher,
    day_batch,
    html_to_pdf,
    print_run,
    render_letter,
    send_letter,
)
from contact.models import Channel, Letter, LetterKind, LetterStatus
from contact.services import queue_letter
from core.errors import DomainError
from scheduling.services import WorkFailed, dispatch_due_items
from tests.factories import CaseFactory, LetterFactory, PersonFactory, ivna_payload, user_with_role

pytestmark = pytest.mark.django_db

# A 1x1 PNG: the positive control that images do reach the PDF when they are allowed.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


def make_person(**overrides):
    fields = {
        "first_name": "Ann",
        "last_name": "Example",
        "address_line1": "1 High St",
        "town": "Wisbech",
        "postcode": "PE13 1AA",
        "email": "",
    }
    fields.update(overrides)
    return PersonFactory(**fields)


def make_letter(*, channel=Channel.POST, kind=LetterKind.INTRODUCTORY, language="en", **person):
    case = CaseFactory(person=make_person(**person))
    return LetterFactory(case=case, kind=kind, channel=channel, language=language)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def has_image(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for obj in (resources.get("/XObject") or {}).values():
            if obj.get_object().get("/Subtype") == "/Image":
                return True
    return False


# -- Rendering ---------------------------------------------------------------------------


def test_introductory_letter_is_a_real_pdf_with_the_name_reference_and_rj():
    letter = make_letter()
    pdf, text = render_letter(letter)

    assert pdf.startswith(b"%PDF")
    content = pdf_text(pdf)
    assert "Ann Example" in content
    assert letter.case.reference in content
    assert "Restorative Justice" in content
    assert "Victims' Code" in content
    assert "PE13 1AA" in content  # the address block, for the window envelope
    assert "Dear Ann Example" in text and letter.case.reference in text
    assert "Restorative Justice" in text


def test_the_letter_never_names_the_crime():
    letter = make_letter()
    letter.case.crime.crime_type = "sexual_offences"
    letter.case.crime.save()
    pdf, text = render_letter(letter)
    for words in ("sexual", "Sexual", letter.case.crime.reference):
        assert words not in pdf_text(pdf) and words not in text


def test_polish_letter_for_a_polish_first_language():
    case = CaseFactory(person=make_person(first_language="pl"))
    letter = queue_letter(case=case, kind=LetterKind.INTRODUCTORY)
    assert letter.language == "pl"

    pdf, text = render_letter(letter)
    content = pdf_text(pdf)
    assert "Sprawiedliwość naprawcza" in content
    assert "Restorative Justice" in content
    assert case.reference in content and "Ann Example" in content
    assert text.startswith("Dzień dobry")


def test_english_when_there_is_no_letter_in_the_language():
    case = CaseFactory(person=make_person(first_language="so"))
    assert queue_letter(case=case, kind=LetterKind.INTRODUCTORY).language == "en"

    letter = make_letter(language="so")  # a language with no template: render falls back
    pdf, text = render_letter(letter)
    assert "Free support from the Victims' Hub" in pdf_text(pdf)
    assert text.startswith("Dear Ann Example")


@pytest.mark.parametrize("language", ["en", "pl"])
def test_no_contact_letter_says_three_calls_were_tried(language):
    letter = make_letter(kind=LetterKind.NO_CONTACT, language=language)
    pdf, text = render_letter(letter)
    content = pdf_text(pdf)
    assert letter.case.reference in content
    if language == "en":
        assert "We tried to phone you 3 times" in content
    else:
        assert "Trzy razy próbowaliśmy do Ciebie zadzwonić" in content
    assert "999" in text


# -- No fetching ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_files_and_the_network(url):
    with pytest.raises(ValueError):
        DataOnlyURLFetcher().fetch(url)


def test_the_fetcher_allows_data_urls():
    response = DataOnlyURLFetcher().fetch("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"


def test_rendering_never_reads_a_local_file(tmp_path):
    image = tmp_path / "secret.png"
    image.write_bytes(PNG)
    html = (
        '<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        f'<img src="{image.as_uri()}"><img src="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/x.png"><p>Hello</p></body></html>'
    )
    fetcher = DataOnlyURLFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF") and "Hello" in pdf_text(pdf)
    assert not has_image(pdf)
    assert image.as_uri() in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert "root:" not in pdf_text(pdf)

    # The control: the same image as a data: URL does reach the PDF.
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert has_image(html_to_pdf(f'<img src="{data_url}">'))


def test_html_in_a_name_is_escaped_not_interpreted(monkeypatch):
    seen = {}
    real = letters.html_to_pdf

    def spy(html, **kwargs):
        seen["html"] = html
        return real(html, **kwargs)

    monkeypatch.setattr(letters, "html_to_pdf", spy)
    letter = make_letter(first_name="<b>x</b>", last_name="<img src=file:///etc/passwd>")
    pdf, text = render_letter(letter)

    assert "&lt;b&gt;x&lt;/b&gt;" in seen["html"]
    assert "<b>x</b>" not in seen["html"] and "<img src=file" not in seen["html"]
    # Shown as typed, not turned into markup (bold or an image).
    assert "<b>x</b>" in pdf_text(pdf)
    assert not has_image(pdf)
    # The plain text is only ever sent as text/plain: it carries the name as typed.
    assert "Dear <b>x</b>" in text


def test_an_apostrophe_in_a_name_is_not_mangled():
    pdf, text = render_letter(make_letter(last_name="O'Brien"))
    assert "Dear Ann O'Brien," in text
    assert "O'Brien" in pdf_text(pdf)


# -- Sending -----------------------------------------------------------------------------


def test_email_sends_one_message_with_the_pdf_attached():
    letter = make_letter(channel=Channel.EMAIL, email="ann@example.org")
    send_letter(letter)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert letter.sent_at is not None and letter.rendered_at is not None
    assert bytes(letter.pdf).startswith(b"%PDF") and letter.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert message.body == letter.text
    assert message.subject == "Free support from the Victims' Hub"
    [(filename, content, mimetype)] = message.attachments
    assert filename == letter.filename
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert message.content_subtype == "plain"
    assert "violence" not in message.subject.lower()


def test_post_stays_rendered_until_approved(settings):
    settings.HUB_POSTAL_LETTERS_NEED_APPROVAL = True
    letter = make_letter()
    send_letter(letter)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
    assert letter.approved_at is None and letter.sent_at is None
    assert bytes(letter.pdf).startswith(b"%PDF")
    assert mail.outbox == []


def test_post_is_approved_at_once_when_no_approval_is_needed(settings):
    settings.HUB_POSTAL_LETTERS_NEED_APPROVAL = False
    letter = make_letter()
    send_letter(letter)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
    assert letter.approved_at is not None and letter.approved_by is None


def test_an_smtp_failure_raises_for_the_retry_policy_without_personal_data(monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({"ann@example.org": (550, b"mailbox unavailable")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    letter = make_letter(channel=Channel.EMAIL, email="ann@example.org")
    with pytest.raises(WorkFailed) as failed:
        send_letter(letter)

    assert failed.value.retry is True  # tried again (tests/contact/test_letter_email.py)
    assert str(failed.value).startswith("SMTPRecipientsRefused")
    assert "mailbox unavailable" in str(failed.value)
    assert "ann@example.org" not in str(failed.value)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED and letter.sent_at is None  # "sent" undone


def test_a_render_failure_keeps_no_personal_data_in_the_error(monkeypatch):
    def boom(html, **kwargs):
        raise RuntimeError("cannot lay out 1 High St, Wisbech PE13 1AA")

    monkeypatch.setattr(letters, "html_to_pdf", boom)
    letter = make_letter()
    with pytest.raises(WorkFailed) as failed:
        send_letter(letter)
    assert str(failed.value).startswith("RuntimeError: cannot lay out")
    for personal in ("High St", "Wisbech", "PE13 1AA"):
        assert personal not in str(failed.value)


def test_no_letter_goes_once_it_is_unsafe_to_write():
    letter = make_letter(channel=Channel.EMAIL, email="ann@example.org")
    letter.case.person.safe_to_write = False
    letter.case.person.save()
    with pytest.raises(WorkFailed, match="no longer safe") as failed:
        send_letter(letter)
    assert failed.value.retry is False  # trying again cannot help
    letter.refresh_from_db()
    assert mail.outbox == [] and letter.pdf is None


# -- The post room ---------------------------------------------------------------------


def approved_postal_letters(n: int, settings) -> list[Letter]:
    settings.HUB_POSTAL_LETTERS_NEED_APPROVAL = False
    made = []
    for _ in range(n):
        letter = make_letter()
        send_letter(letter)
        made.append(letter)
    return made


def test_print_run_joins_the_approved_letters_and_marks_them_sent(settings, vcc_user):
    made = approved_postal_letters(3, settings)
    pages = sum(page_count(bytes(Letter.objects.get(pk=m.pk).pdf)) for m in made)
    unapproved = make_letter()
    settings.HUB_POSTAL_LETTERS_NEED_APPROVAL = True
    send_letter(unapproved)

    pdf, count = print_run(by=vcc_user)

    assert count == 3
    assert pdf.startswith(b"%PDF") and page_count(pdf) == pages >= 3
    joined = pdf_text(pdf)
    assert all(m.case.reference in joined for m in made)
    assert unapproved.case.reference not in joined
    for m in made:
        m.refresh_from_db()
        assert m.status == LetterStatus.SENT and m.sent_at is not None
    unapproved.refresh_from_db()
    assert unapproved.status == LetterStatus.RENDERED

    with pytest.raises(DomainError, match=NO_LETTERS_TO_PRINT):
        print_run(by=vcc_user)

    again = day_batch(timezone.localdate())
    assert page_count(again) == pages
    assert day_batch(timezone.localdate() - timedelta(days=1)) == b""


# -- Views -------------------------------------------------------------------------------


def rendered_letter(**person) -> Letter:
    letter = make_letter(**person)
    send_letter(letter)
    letter.refresh_from_db()
    return letter


def test_vcc_downloads_a_letter_and_the_read_is_logged(client, vcc_user):
    letter = rendered_letter()
    client.force_login(vcc_user)
    response = client.get(reverse("letters:download", args=[letter.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{letter.filename}"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    log = AccessLog.objects.get(user=vcc_user, action="download")
    assert log.case_ids == [letter.case_id]
    assert log.person_ids == [letter.case.person_id]
    assert log.view_name == "letters:download"


def test_police_cannot_download_letters(client, police_user):
    letter = rendered_letter()
    client.force_login(police_user)
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 403
    assert client.get(reverse("letters:post_room")).status_code == 403
    assert client.post(reverse("letters:print_run")).status_code == 403
    assert not AccessLog.objects.filter(action="download").exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    letter = rendered_letter()
    response = client.get(reverse("letters:download", args=[letter.pk]))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_vcc_cannot_download_a_restricted_case_of_someone_else(client, vcc_user):
    other = user_with_role(Role.VCC, username="vcc2")
    letter = rendered_letter()
    letter.case.restricted = True
    letter.case.allocated_to = other
    letter.case.save()

    client.force_login(vcc_user)
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 404
    client.force_login(other)
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 200


def test_a_letter_with_no_pdf_yet_is_not_found(client, vcc_user):
    letter = make_letter()
    client.force_login(vcc_user)
    assert client.get(reverse("letters:download", args=[letter.pk])).status_code == 404


def test_post_room_prints_and_reprints(client, vcc_user, settings):
    made = approved_postal_letters(2, settings)
    client.force_login(vcc_user)

    page = client.get(reverse("letters:post_room")).content.decode()
    assert 'data-testid="letters-waiting">2<' in page
    assert "Print today&#x27;s letters" in page or "Print today's letters" in page
    assert "csrfmiddlewaretoken" in page

    response = client.post(reverse("letters:print_run"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="letters-')
    assert page_count(response.content) >= 2
    log = AccessLog.objects.get(user=vcc_user, action="download")
    assert sorted(log.case_ids) == sorted(m.case_id for m in made)
    assert sorted(log.person_ids) == sorted(m.case.person_id for m in made)

    response = client.post(reverse("letters:print_run"), follow=True)
    assert NO_LETTERS_TO_PRINT in response.content.decode()

    page = client.get(reverse("letters:post_room")).content.decode()
    today = timezone.localdate()
    day_url = reverse("letters:day_batch", args=[today])
    assert day_url in page and f"/letters/post-room/{today:%Y-%m-%d}/pdf/" == day_url
    response = client.get(day_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(user=vcc_user, action="download").count() == 2

    yesterday = today - timedelta(days=1)
    assert client.get(reverse("letters:day_batch", args=[yesterday])).status_code == 404
    assert client.get("/letters/post-room/2025-13-45/pdf/").status_code == 404


def test_the_print_button_needs_a_csrf_token(vcc_user, settings):
    from django.test import Client

    approved_postal_letters(1, settings)
    client = Client(enforce_csrf_checks=True)
    client.force_login(vcc_user)
    assert client.post(reverse("letters:print_run")).status_code == 403
    assert Letter.objects.filter(status=LetterStatus.SENT).count() == 0


# -- End to end --------------------------------------------------------------------------


def test_an_ivna_leads_to_one_introductory_email(police_api):
    # An ordinary crime: an email to a victim at risk waits for a safety check first
    # (tests/contact/test_letter_checks.py).
    body = ivna_payload()
    body["crime"]["markers"] = []
    response = police_api.post("/api/v1/ivnas/", body, format="json")
    assert response.status_code == 201, response.content
    case_id = response.json()["case_id"]

    dispatch_due_items()

    letter = Letter.objects.get(case_id=case_id, kind=LetterKind.INTRODUCTORY)
    assert letter.channel == Channel.EMAIL
    assert letter.status == LetterStatus.SENT, letter.error
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann@example.org"]
    assert mail.outbox[0].attachments[0][0] == letter.filename

    dispatch_due_items()
    assert len(mail.outbox) == 1
