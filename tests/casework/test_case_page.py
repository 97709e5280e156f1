"""The case page built for the call (issue 16): the timeline, the inline note, the return
to one's place, the plain-word audit history, dates with the year, referral states."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pghistory
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessLog
from casework.history import case_history
from casework.timeline import case_timeline
from contact.models import ContactNote
from tests.factories import (
    CaseFactory,
    ContactAttemptFactory,
    ContactNoteFactory,
    LetterFactory,
    PersonFactory,
    ReferralFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def ago(**kwargs) -> datetime:
    return timezone.now() - timedelta(**kwargs)


# -- The timeline -----------------------------------------------------------------------


def test_the_timeline_merges_everything_newest_first_and_filters_by_kind(vcc_user):
    case = CaseFactory(status="awaiting_contact")
    ContactAttemptFactory(case=case, made_at=ago(days=3))
    ContactNoteFactory(case=case, text="Rang the sister", at=ago(days=1))
    LetterFactory(case=case, created_at=ago(days=5))
    ReferralFactory(
        action__plan__case=case, action__plan__agreed_at=ago(days=2), sent_at=ago(hours=2)
    )

    entries = case_timeline(case, vcc_user)

    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert entries[0].kind == "referral"
    assert {"call", "note", "letter", "referral"} <= {e.kind for e in entries}
    notes = case_timeline(case, vcc_user, kind="note")
    assert [e.text for e in notes] == ["Rang the sister"]
    # An unknown kind is no filter at all.
    assert len(case_timeline(case, vcc_user, kind="nonsense")) == len(entries)


def test_restricted_notes_stay_off_a_vccs_timeline(vcc_user, manager_user):
    case = CaseFactory()
    ContactNoteFactory(case=case, text="Only managers", restricted=True)
    assert case_timeline(case, vcc_user, kind="note") == []
    assert [e.text for e in case_timeline(case, manager_user, kind="note")] == ["Only managers"]


def test_the_timeline_costs_the_same_queries_whatever_its_length(
    vcc_user, django_assert_max_num_queries
):
    case = CaseFactory()
    ContactNoteFactory(case=case)
    ContactAttemptFactory(case=case)
    with django_assert_max_num_queries(12) as few:
        case_timeline(case, vcc_user)
    ContactNoteFactory.create_batch(15, case=case)
    ContactAttemptFactory.create_batch(10, case=case)
    plan = ReferralFactory(action__plan__case=case).action.plan
    ReferralFactory.create_batch(3, action__plan=plan, case=case)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(case_timeline(case, vcc_user)) > 25


def test_the_case_page_filters_its_timeline_without_javascript(client, vcc_user):
    case = CaseFactory()
    ContactNoteFactory(case=case, text="A note to find")
    ContactAttemptFactory(case=case)
    client.force_login(vcc_user)

    page = client.get(reverse("cases:detail", args=[case.pk]), {"kind": "note"}).content.decode()

    log = page[page.index('data-testid="contact-log"'):]
    assert "A note to find" in log
    assert "Call to" not in log


# -- The inline note ------------------------------------------------------------------------


def test_an_inline_note_with_htmx_returns_the_timeline_with_the_note(client, vcc_user):
    case = CaseFactory()
    client.force_login(vcc_user)

    response = client.post(
        reverse("cases:timeline", args=[case.pk]), {"text": "Called back, all well"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<div") and "<html" not in body
    assert "Called back, all well" in body and "The note has been added" in body
    assert ContactNote.objects.get(case=case).author == vcc_user
    assert AccessLog.objects.filter(case_ids__contains=[case.pk], user=vcc_user).exists()


def test_an_inline_note_without_javascript_lands_on_the_timeline_with_a_banner(
    client, vcc_user
):
    case = CaseFactory()
    client.force_login(vcc_user)

    response = client.post(
        reverse("cases:timeline", args=[case.pk]), {"text": "Left a message"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/#timeline"
    assert "The note has been added to the timeline." in response.content.decode()


def test_an_empty_inline_note_is_refused_with_its_error(client, vcc_user):
    case = CaseFactory()
    client.force_login(vcc_user)
    response = client.post(
        reverse("cases:timeline", args=[case.pk]), {"text": "   "}, HTTP_HX_REQUEST="true"
    )
    assert "Write the note" in response.content.decode()
    assert not ContactNote.objects.exists()


# -- Back to one's place ------------------------------------------------------------------


def _attempt_form(**extra) -> dict:
    when = timezone.localtime() - timedelta(minutes=5)
    return {
        "made_on": when.date().isoformat(), "made_at_time": when.strftime("%H:%M"),
        "number_used": "07700900123", "outcome": "contacted", "notes": "", **extra,
    }


def test_saving_a_call_returns_to_the_case_timeline_with_a_banner(client, vcc_user):
    case = CaseFactory(status="awaiting_contact", route="hub_contact", allocated_to=vcc_user)
    client.force_login(vcc_user)

    response = client.post(reverse("contact:record_attempt", args=[case.pk]), _attempt_form())

    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/#timeline"


def test_a_safe_next_returns_the_user_where_they_came_from(client, vcc_user):
    case = CaseFactory()
    client.force_login(vcc_user)
    url = reverse("contact:add_note", args=[case.pk])

    page = client.get(url, {"next": "/work/"}).content.decode()
    assert 'href="/work/" class="govuk-back-link"' in page
    assert 'name="next" value="/work/"' in page
    response = client.post(url, {"text": "A note", "next": "/work/"})
    assert response.url == "/work/"


@pytest.mark.parametrize(
    "hostile", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:/x"]
)
def test_an_outside_next_is_refused_for_the_case_page(client, vcc_user, hostile):
    case = CaseFactory()
    client.force_login(vcc_user)
    url = reverse("contact:add_note", args=[case.pk])

    page = client.get(url, {"next": hostile}).content.decode()
    assert f'href="/cases/{case.pk}/#timeline" class="govuk-back-link"' in page
    response = client.post(url, {"text": "A note", "next": hostile})
    assert response.url == f"/cases/{case.pk}/#timeline"


# -- Plain words --------------------------------------------------------------------------


def test_the_audit_history_names_fields_and_people_not_columns_and_ids(client, manager_user):
    sam = user_with_role(Role.VCC, first_name="Sam", last_name="Patel")
    case = CaseFactory(person=PersonFactory(first_language="pl"))
    with pghistory.context(user=manager_user.pk):
        case.allocated_to = sam
        case.save()
        case.person.first_language = "en"
        case.person.save()

    rows = case_history(case)
    changes = {(c.label, c.before, c.after) for row in rows for c in row.changes}
    assert ("Allocated to", "nobody", "Sam Patel") in changes
    assert ("First language", "Polish", "English") in changes
    assert {row.record for row in rows} >= {"The case", "The person"}

    client.force_login(manager_user)
    page = client.get(reverse("cases:audit", args=[case.pk])).content.decode()
    assert "Allocated to</strong>: nobody → Sam Patel" in page
    for jargon in ("allocated_to_id", "pl → en", "insert", f"Case {case.pk}<"):
        assert jargon not in page


def test_dates_show_the_year_only_when_it_is_not_this_year():
    render = Template(
        "{% load hub_dates %}{{ a|hub_date }}|{{ b|hub_date }}|{{ c|hub_date:'day' }}"
    )
    this_year = timezone.localdate().year
    a = timezone.make_aware(datetime(this_year, 3, 2, 14, 5))
    b = timezone.make_aware(datetime(this_year - 1, 3, 2, 14, 5))
    c = date(this_year - 2, 12, 25)

    shown = render.render(Context({"a": a, "b": b, "c": c})).split("|")

    assert shown[0].endswith("2 Mar 14:05") and str(this_year) not in shown[0]
    assert shown[1].endswith(f"2 Mar {this_year - 1} 14:05")
    assert shown[2] == f"25 December {this_year - 2}"


def test_a_referral_is_sent_only_once_its_email_went():
    referral = ReferralFactory(emailed_to="help@example.org")
    assert referral.state_label == "Waiting to be emailed"
    referral.email_error = "Mailbox full"
    assert referral.state_label == "Not sent: the email failed"
    referral.email_sent_at = timezone.now()
    assert referral.state_label == "Sent"
    referral.emailed_to, referral.email_sent_at, referral.email_error = "", None, ""
    assert referral.state_label == "Made: send the document yourself"


def test_the_sign_in_error_is_in_the_hubs_words(client, vcc_user):
    response = client.post(reverse("login"), {"username": vcc_user.username, "password": "no"})
    page = response.content.decode()
    assert "The username or password is not right." in page
    assert "Please enter a correct username" not in page
