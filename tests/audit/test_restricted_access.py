"""Restricted cases: named users, breaking the glass, and who may see them in lists.

Issue: "Restricted cases (a victim who is police staff, a public figure, or at high risk of
being traced): only named users and managers may open them; anyone else may 'break the glass'
by giving a reason, which is recorded and notified to managers. Restricted victims never
appear in search results for others."

Decision: a grant (named, or break-glass while it lasts) makes the case one its user may open
everywhere casework_for is used, lists and search included; without one a restricted case is
never listed or found, and its own URL shows only the restricted notice.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from accounts.roles import Role
from audit.models import (
    BREAK_GLASS_HOURS,
    AccessAction,
    AccessLog,
    CaseAccessGrant,
    GrantKind,
    Notification,
)
from audit.selectors import casework_for
from audit.services import break_glass, name_user_on_case
from cases.models import Case
from core.errors import DomainError
from scheduling.models import ItemKind, ItemState
from scheduling.services import run_item
from tests.factories import CaseFactory, PersonFactory, user_with_role
from tests.outbound import Refusing, after_the_lease, dispatch, items

pytestmark = pytest.mark.django_db

REASON = "The victim rang the hub and their co-ordinator is on leave today."


@pytest.fixture
def restricted(vcc_user):
    person = PersonFactory(first_name="Zenobia", last_name="Quartermaine")
    return CaseFactory(person=person, restricted=True, allocated_to=vcc_user)


@pytest.fixture
def other_vcc(db):
    return user_with_role(Role.VCC, username="vcc2")


@pytest.fixture
def managers(db):
    """Two managers who will be emailed; one who left and one with no address are not."""
    emailed = [
        user_with_role(Role.MANAGER, username=f"mgr{n}", email=f"mgr{n}@hub.example.org")
        for n in (1, 2)
    ]
    user_with_role(Role.MANAGER, username="gone", email="gone@hub.example.org", is_active=False)
    user_with_role(Role.MANAGER, username="no-email")
    return emailed


def _page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk]))


def _break(client, case, reason=REASON):
    return client.post(reverse("audit:break_glass", args=[case.pk]), {"reason": reason})


# --- The restricted notice ----------------------------------------------------------------


def test_another_vcc_gets_the_notice_and_nothing_of_the_record(client, other_vcc, restricted):
    client.force_login(other_vcc)
    response = _page(client, restricted)
    body = response.content.decode()
    assert response.status_code == 403
    assert "This record is restricted" in body
    for secret in ("Zenobia", "Quartermaine", restricted.reference, restricted.crime.reference):
        assert secret not in body
    assert 'name="reason"' in body


def test_the_notice_only_for_restricted_cases_and_casework_users(
    client, other_vcc, police_user, restricted
):
    client.force_login(other_vcc)
    assert client.get(reverse("cases:detail", args=[restricted.pk + 1000])).status_code == 404
    # Other pages of the case stay a 404: the notice is only at the case's own URL.
    assert client.get(reverse("contact:add_note", args=[restricted.pk])).status_code == 404
    client.force_login(police_user)
    assert _page(client, restricted).status_code == 403
    assert "This record is restricted" not in _page(client, restricted).content.decode()
    assert _break(client, restricted).status_code == 403
    assert not CaseAccessGrant.objects.exists()


# --- Breaking the glass -------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "need it"])
def test_a_reason_is_required(client, other_vcc, restricted, reason):
    client.force_login(other_vcc)
    response = _break(client, restricted, reason)
    assert response.status_code == 403
    assert "There is a problem" in response.content.decode()
    assert not CaseAccessGrant.objects.exists()
    assert not AccessLog.objects.filter(action=AccessAction.BREAK_GLASS).exists()
    assert _page(client, restricted).status_code == 403


def test_a_reason_short_once_its_spaces_are_closed_up_is_refused_on_its_field(
    client, other_vcc, restricted
):
    client.force_login(other_vcc)
    response = _break(client, restricted, "too         short")
    assert response.status_code == 403
    assert response.context["form"].errors == {
        "reason": ["Give a reason of at least 10 characters."]
    }
    assert not CaseAccessGrant.objects.exists()


def test_naming_with_a_reason_short_once_closed_up_is_refused_on_its_field(
    client, manager_user, other_vcc, restricted
):
    client.force_login(manager_user)
    response = client.post(
        reverse("audit:case_access", args=[restricted.pk]),
        {"user": other_vcc.pk, "reason": "too         short"},
    )
    assert response.status_code == 200
    assert response.context["name_form"].errors == {
        "reason": ["Give a reason of at least 10 characters."]
    }
    assert "Give a reason of at least 10 characters." in response.content.decode()
    assert not CaseAccessGrant.objects.exists()


def test_breaking_the_glass_grants_eight_hours_and_logs_the_reason(
    client, other_vcc, restricted
):
    client.force_login(other_vcc)
    before = timezone.now()
    response = _break(client, restricted)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[restricted.pk])

    grant = CaseAccessGrant.objects.get()
    assert (grant.user, grant.kind, grant.granted_by) == (other_vcc, GrantKind.BREAK_GLASS,
                                                          other_vcc)
    assert grant.reason == REASON
    assert grant.expires_at - grant.granted_at == timedelta(hours=BREAK_GLASS_HOURS)
    assert grant.granted_at >= before

    log = AccessLog.objects.get(action=AccessAction.BREAK_GLASS)
    assert log.user == other_vcc
    assert log.case_ids == [restricted.pk]
    assert log.person_ids == [restricted.person_id]
    # The access log names the grant, never its free-text reason: the reason may describe
    # the victim, and the log outlives the case's erasure (issue 13).
    assert log.detail == f"break-glass grant {grant.pk}"
    assert not AccessLog.objects.filter(detail__icontains=REASON[:20]).exists()
    assert log.view_name == "audit:break_glass"

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Quartermaine" in page.content.decode()
    assert "hub managers have been told" in page.content.decode()


def test_the_grant_expires(client, other_vcc, restricted):
    client.force_login(other_vcc)
    _break(client, restricted)
    grant = CaseAccessGrant.objects.get()
    assert casework_for(other_vcc).filter(pk=restricted.pk).exists()
    # Eight hours and a minute later.
    later = grant.expires_at + timedelta(minutes=1)
    assert not CaseAccessGrant.objects.active(at=later).exists()
    CaseAccessGrant.objects.filter(pk=grant.pk).update(
        granted_at=grant.granted_at - timedelta(hours=9),
        expires_at=grant.expires_at - timedelta(hours=9),
    )
    assert not casework_for(other_vcc).filter(pk=restricted.pk).exists()
    assert _page(client, restricted).status_code == 403
    # They may break it again, with a reason again.
    assert _break(client, restricted).status_code == 302
    assert CaseAccessGrant.objects.count() == 2


def test_those_who_may_open_it_have_nothing_to_break(client, vcc_user, manager_user, restricted):
    for user in (vcc_user, manager_user):
        client.force_login(user)
        assert _break(client, restricted).status_code == 302
    assert not CaseAccessGrant.objects.exists()


def test_managers_are_emailed_once_with_no_victim_details(
    client, other_vcc, restricted, managers, django_capture_on_commit_callbacks
):
    client.force_login(other_vcc)
    with django_capture_on_commit_callbacks(execute=True):
        _break(client, restricted)
    grant = CaseAccessGrant.objects.get()

    assert sorted(m.to[0] for m in mail.outbox) == ["mgr1@hub.example.org", "mgr2@hub.example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    audit_url = f"http://testserver{reverse('cases:audit', args=[restricted.pk])}"
    person = restricted.person
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert restricted.reference in message.subject
        assert audit_url in message.body
        assert "vcc2" in message.body
        for secret in (person.first_name, person.last_name, person.phone,
                       restricted.crime.reference, REASON):
            assert secret not in text, secret

    # Every manager has a notification row; the two with addresses are marked emailed.
    notices = Notification.objects.filter(grant=grant)
    assert notices.count() == 3
    assert notices.filter(emailed_at__isnull=False).count() == 2
    assert notices.get(recipient__username="no-email").email_error
    assert not notices.filter(recipient__username="gone").exists()

    # One scheduled item per notice, carrying ids and the link only; each delivered twice
    # (or the dispatcher after the lease): nobody is emailed again.
    notices_items = items(ItemKind.BREAK_GLASS_NOTICE)
    assert sorted(notices_items.values_list("target_id", flat=True)) == sorted(
        notices.values_list("pk", flat=True)
    )
    assert {item.case_id for item in notices_items} == {restricted.pk}
    assert all(item.payload == {"audit_url": audit_url} for item in notices_items)
    assert [run_item(item.pk) for item in notices_items] == [False, False, False]
    after_the_lease()
    assert dispatch() == 0
    assert len(mail.outbox) == 2
    # The manager with no address: failed at once, not retried (it cannot help).
    no_address = notices_items.get(target_id=notices.get(recipient__username="no-email").pk)
    assert (no_address.state, no_address.failures) == (ItemState.FAILED, 1)


def test_a_manager_who_has_left_is_not_told(client, other_vcc, restricted, managers):
    client.force_login(other_vcc)
    _break(client, restricted)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"mgr1", "mgr2", "no-email"}


def test_a_failed_email_is_the_last_error_and_is_tried_again_after_the_lease(
    client, other_vcc, restricted, managers, monkeypatch, django_capture_on_commit_callbacks
):
    server = Refusing(monkeypatch, smtplib.SMTPRecipientsRefused(
        {"mgr1@hub.example.org": (550, b"Zenobia Quartermaine: mailbox unavailable")}
    ))
    client.force_login(other_vcc)
    with django_capture_on_commit_callbacks(execute=True):
        _break(client, restricted)

    emailed = Notification.objects.exclude(recipient__username="no-email")
    waiting = items(ItemKind.BREAK_GLASS_NOTICE, target_id__in=emailed.values("pk"))
    # The exception's type only, on the item and the notice: the message may quote anything.
    assert set(waiting.values_list("state", "failures", "last_error")) == {
        (ItemState.DUE, 1, "SMTPRecipientsRefused")
    }
    assert set(emailed.values_list("email_error", flat=True)) == {"SMTPRecipientsRefused"}
    assert dispatch() == 0  # not in a tight loop: after the lease

    server.on = False
    after_the_lease()
    assert dispatch() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["mgr1@hub.example.org", "mgr2@hub.example.org"]
    assert set(emailed.values_list("email_error", flat=True)) == {""}
    assert not emailed.filter(emailed_at__isnull=True).exists()
    assert set(waiting.values_list("state", flat=True)) == {ItemState.DONE}


def test_each_notice_is_scheduled_once_even_if_the_break_is_tried_again(
    other_vcc, restricted, managers, rf
):
    request = rf.post("/")
    request.user = other_vcc
    with pytest.raises(RuntimeError), transaction.atomic():  # the first try rolls back
        break_glass(request=request, case=restricted, reason=REASON)
        raise RuntimeError("deadlock detected")
    grant = break_glass(request=request, case=restricted, reason=REASON)
    with pytest.raises(DomainError):  # a double click: the case is open to them now
        break_glass(request=request, case=restricted, reason=REASON)

    notices = Notification.objects.filter(grant=grant)
    assert sorted(items(ItemKind.BREAK_GLASS_NOTICE).values_list("dedupe_key", flat=True)) == (
        sorted(f"break_glass_notice:{pk}" for pk in notices.values_list("pk", flat=True))
    )
    assert notices.count() == 3


def test_no_manager_is_told_when_the_break_glass_rolls_back(
    other_vcc, restricted, managers, rf, django_capture_on_commit_callbacks
):
    request = rf.post("/")
    request.user = other_vcc
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            break_glass(request=request, case=restricted, reason=REASON)
            raise RuntimeError("the request failed after the glass was broken")

    assert callbacks == [] and dispatch() == 0
    assert not Notification.objects.exists()
    assert not items(ItemKind.BREAK_GLASS_NOTICE).exists()
    assert mail.outbox == []


# --- Named users --------------------------------------------------------------------------


def test_a_manager_names_and_removes_a_user(client, manager_user, other_vcc, restricted):
    client.force_login(manager_user)
    page = client.get(reverse("audit:case_access", args=[restricted.pk]))
    assert page.status_code == 200
    assert f'value="{other_vcc.pk}"' in page.content.decode()
    response = client.post(
        reverse("audit:case_access", args=[restricted.pk]),
        {"user": other_vcc.pk, "reason": "Covering the caseload in May"},
    )
    assert response.status_code == 302
    grant = CaseAccessGrant.objects.get()
    assert (grant.kind, grant.user, grant.granted_by, grant.expires_at) == (
        GrantKind.NAMED, other_vcc, manager_user, None
    )

    other = type(client)()
    other.force_login(other_vcc)
    assert _page(other, restricted).status_code == 200
    assert restricted.reference in other.get(reverse("cases:list")).content.decode()

    # Named twice: refused.
    again = client.post(
        reverse("audit:case_access", args=[restricted.pk]),
        {"user": other_vcc.pk, "reason": "Covering the caseload in May"},
    )
    assert again.status_code == 200
    assert CaseAccessGrant.objects.count() == 1

    response = client.post(
        reverse("audit:revoke_grant", args=[restricted.pk]), {"grant": grant.pk}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == manager_user and grant.revoked_at is not None
    assert _page(other, restricted).status_code == 403
    assert restricted.reference not in other.get(reverse("cases:list")).content.decode()
    # pghistory keeps the grant's life: created, then revoked, by the manager.
    labels = [e.pgh_label for e in Events.objects.tracks(grant).order_by("pgh_created_at")]
    assert labels == ["insert", "update"]


def test_only_managers_manage_access(client, vcc_user, other_vcc, restricted):
    client.force_login(vcc_user)  # the allocated VCC
    url = reverse("audit:case_access", args=[restricted.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"user": other_vcc.pk, "reason": REASON}).status_code == 403
    assert client.post(
        reverse("audit:case_restriction", args=[restricted.pk]),
        {"restricted": "no", "reason": REASON},
    ).status_code == 403
    assert not CaseAccessGrant.objects.exists()
    assert Case.objects.get(pk=restricted.pk).restricted


def test_a_manager_restricts_and_lifts_with_a_reason(client, manager_user, other_vcc):
    case = CaseFactory()
    client.force_login(manager_user)
    url = reverse("audit:case_restriction", args=[case.pk])
    assert client.post(url, {"restricted": "yes", "reason": ""}).status_code == 302
    assert not Case.objects.get(pk=case.pk).restricted  # no reason, no change
    client.post(url, {"restricted": "yes", "reason": "The victim is a serving officer."})
    assert Case.objects.get(pk=case.pk).restricted
    assert not casework_for(other_vcc).filter(pk=case.pk).exists()

    update = [e for e in Events.objects.tracks(case).order_by("pgh_created_at")
              if e.pgh_label == "update"][-1]
    assert update.pgh_diff["restricted"] == [False, True]
    assert int(update.pgh_context["user"]) == manager_user.pk
    assert update.pgh_context["reason"] == "The victim is a serving officer."

    client.post(url, {"restricted": "no", "reason": "The officer has left the force."})
    assert not Case.objects.get(pk=case.pk).restricted
    assert casework_for(other_vcc).filter(pk=case.pk).exists()


def test_the_case_page_links_managers_to_access(client, manager_user, vcc_user, restricted):
    client.force_login(manager_user)
    assert 'data-testid="case-access-link"' in _page(client, restricted).content.decode()
    client.force_login(vcc_user)
    assert 'data-testid="case-access-link"' not in _page(client, restricted).content.decode()


# --- Never listed or found by others ------------------------------------------------------


def test_restricted_cases_are_never_listed_or_found_by_others(client, other_vcc, restricted):
    open_case = CaseFactory(person=restricted.person)
    client.force_login(other_vcc)
    listing = client.get(reverse("cases:list")).content.decode()
    assert open_case.reference in listing and restricted.reference not in listing
    for term in (restricted.crime.reference, "Quartermaine", "Zenobia Quartermaine"):
        client.post(reverse("cases:list"), {"q": term})
        found = client.get(reverse("cases:list")).content.decode()
        assert restricted.reference not in found, term
    person = client.get(reverse("people:detail", args=[restricted.person_id])).content.decode()
    assert open_case.reference in person and restricted.reference not in person


def test_a_grant_holder_finds_it_while_the_grant_lasts(client, other_vcc, restricted):
    client.force_login(other_vcc)
    _break(client, restricted)
    client.post(reverse("cases:list"), {"q": "Quartermaine"})
    assert restricted.reference in client.get(reverse("cases:list")).content.decode()


def test_grants_keep_the_list_query_count_constant(client, other_vcc):
    def queries() -> int:
        client.force_login(other_vcc)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cases:list")).status_code == 200
        return len(captured)

    manager = user_with_role(Role.MANAGER)
    CaseFactory(restricted=True)
    CaseFactory()
    few = queries()
    for _ in range(6):
        case = CaseFactory(restricted=True)
        CaseAccessGrant.objects.create(case=case, user=other_vcc, kind=GrantKind.NAMED,
                                       reason=REASON, granted_by=manager)
        CaseFactory()
    assert queries() == few


# --- Break-the-glass stays temporary (issue 13) ---------------------------------------------


def test_breaking_the_glass_does_not_let_a_vcc_take_the_case(client, other_vcc, restricted):
    restricted.allocated_to = None
    restricted.save()
    client.force_login(other_vcc)
    _break(client, restricted)
    assert _page(client, restricted).status_code == 200  # reading it: yes, while it lasts
    response = client.post(reverse("cases:allocate", args=[restricted.pk]), {"to": "me"},
                           follow=True)
    assert "only someone a hub manager has named on it can take it" in (
        response.content.decode().replace("&#x27;", "'"))
    restricted.refresh_from_db()
    assert restricted.allocated_to is None
    # So when the grant ends, the access ends with it.
    CaseAccessGrant.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _page(client, restricted).status_code == 403


def test_a_vcc_named_on_a_restricted_case_may_take_it(client, manager_user, other_vcc,
                                                       restricted):
    restricted.allocated_to = None
    restricted.save()
    name_user_on_case(case=restricted, user=other_vcc, reason="Covering the caseload in May",
                      by=manager_user)
    client.force_login(other_vcc)
    client.post(reverse("cases:allocate", args=[restricted.pk]), {"to": "me"})
    restricted.refresh_from_db()
    assert restricted.allocated_to == other_vcc


def test_ending_a_grant_tells_the_manager_the_truth(client, manager_user, other_vcc,
                                                    restricted):
    grant = name_user_on_case(case=restricted, user=other_vcc, reason="Covering in May",
                              by=manager_user)
    restricted.allocated_to = other_vcc  # the manager allocated it to them meanwhile
    restricted.save()
    client.force_login(manager_user)
    response = client.post(reverse("audit:revoke_grant", args=[restricted.pk]),
                           {"grant": grant.pk}, follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert f"{other_vcc} can still open case {restricted.reference}" in page
    assert "can no longer open" not in page
