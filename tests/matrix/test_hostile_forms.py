"""Hostile input, proved: every form refuses oversize and malformed input with a message and
saves nothing (issue 6).

The walk takes the HTML forms from the permission matrix (tests/matrix/entries.py: every
POST entry outside /api/), so a new form is walked as soon as it is in the matrix. For each, as
an actor the matrix lets through and with the matrix's objects (moved on first where their state
refuses the form before reading it), it reads the form's fields and what a browser would send
from the form's page (or, for a button on another page, from the matrix's body), and posts that
valid body with one field at a time made hostile:

- text longer than the field's limit (`maxlength`, or 60,000 characters where there is none);
- a NUL character, which PostgreSQL cannot store ("A string literal cannot contain NUL");
- a date that is no date (31/02/2025, "not a date"), a time that is none, a number that is no
  number or is out of every range, a choice or an id that is not on the list;

and then a body over DATA_UPLOAD_MAX_MEMORY_SIZE. Every answer must tell the user what is wrong
(the GOV.UK error summary or an error message, an error banner after a redirect, the "Page not
found" page for an id that names nothing, or the 400 page), must not be a 5xx, and must leave
every table of the hub as it was. Then each text field at exactly its limit must not be a 5xx
(the form and the database column agree on the limit), and last the valid body must save
something: the walk reached the form, and the snapshot would have seen a save.

The snapshot, the form reader and the hostile values are in tests/matrix/hostile_input.py; the
matrix's objects (`world`) are built once for this module (tests/matrix/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from tests.matrix.entries import MATRIX, methods, url_patterns
from tests.matrix.hostile_input import (
    LONGEST_COLUMN,
    PROJECT_APPS,
    Field,
    at_limit,
    changed,
    hostile,
    read_form,
    snapshot,
)
from tests.permissions import (
    ANONYMOUS,
    MANAGER,
    OPCC,
    OTHER_VCC,
    OTHER_VOLUNTEER,
    POLICE,
    VCC,
    VOLUNTEER,
    View,
)

# --- Which forms, and who walks them --------------------------------------------------------

# POST views that take no input a person types or chooses, so nothing in a body can be hostile:
# whatever is posted, the button does its one thing (each is in the permission matrix).
NO_INPUT = {
    "logout": "signs the user out",
    "api_clients:revoke": "revokes the API client in the URL",
    "team:enrolment_link": "issues a link for the user in the URL",
    "team:reset_authenticator": "resets the authenticator of the user in the URL",
    "team:reactivate": "reactivates the user in the URL",
    "team_casework:deactivate": "deactivates the user in the URL",
    "letters:print_run": "prints every approved letter waiting",
    "contact:retry_letter": "sends a failed letter again; the letter is in the URL",
    "contact:approve_letter": "approves one letter at its safety check; the letter is in the "
    "URL",
    "contact:got_in_touch": "re-opens the case; no page sends its optional `note` (cut to "
    "1,000 characters)",
    "referrals:accepted": "records the answer to a referral; the referral is in the URL",
    "referrals:completed": "records the answer to a referral; the referral is in the URL",
    "referrals:chased": "records a chase; the referral is in the URL",
    "referrals:resend": "sends the referral again; the referral is in the URL",
    "directory:service_deactivate": "a confirmation button; the service is in the URL",
    "complaints:acknowledge": "a button: records the complaint in the URL as acknowledged now",
    "directory:service_reactivate": "a button; the service is in the URL",
    "privacy:subject_access_review": "the matrix's person has nothing to review; the radios "
    "are named by item and only 'include' or 'redact' is read (tests/privacy/"
    "test_subject_access_review.py)",
}
# Who walks a form: the first of these whom the matrix lets through ...
WALKERS = (MANAGER, VCC, POLICE, VOLUNTEER, OTHER_VOLUNTEER, OPCC, OTHER_VCC, ANONYMOUS)
# ... except where they would never reach the form: anyone signed in is sent on from the
# sign-in page; to the VCC and managers there is no glass to break (they may open the case).
# The self-referral is the public's form, so the public walks it.
WALK_AS = {"login": ANONYMOUS, "self_referral": ANONYMOUS, "audit:break_glass": OTHER_VCC}


def _half_signed_in(request, *, has_app: bool) -> Client:
    """Signed in with the password only, so the second step's form is read: with an
    authenticator app linked (the code), or none yet (setting one up, through a hub
    manager's enrolment link)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.enrolment import issue_link

    user = request.getfixturevalue("vcc_user")
    if has_app:
        TOTPDevice.objects.create(user=user, name="work phone", confirmed=True)
    client = Client()
    client._login(user, "django.contrib.auth.backends.ModelBackend")  # no second factor
    if not has_app:
        client.get(issue_link(user=user, by=request.getfixturevalue("manager_user")))
    return client


CLIENTS: dict[str, Callable[..., Client]] = {
    "accounts:two_factor": lambda request: _half_signed_in(request, has_app=True),
    "accounts:two_factor_setup": lambda request: _half_signed_in(request, has_app=False),
}


# Where the matrix's objects are in a state that refuses the form before reading it (which the
# matrix checks), the walk first moves them on to where it is read.
def _close_supported(w) -> None:
    from assessments.support_services import close_case

    close_case(
        case=w.supported,
        reason="support_complete",
        outcomes={"health": "better", "finance": "same"},
        by=w.vcc,
    )


def _victim_moved_away(w) -> None:
    from cases.models import Person
    from core.choices import District

    Person.objects.filter(pk=w.restricted.person_id).update(district=District.OUT_OF_AREA)


def _victim_contacted(w) -> None:
    from django.utils import timezone

    from contact.models import AttemptOutcome, ContactAttempt

    ContactAttempt.objects.create(
        case=w.restricted,
        made_at=timezone.now(),
        made_by=w.vcc,
        number_used="07700900123",
        band="morning",
        outcome=AttemptOutcome.CONTACTED,
    )


def _allocation_ended(w) -> None:
    from volunteers.services import end_allocation

    end_allocation(allocation=w.allocation, by=w.vcc, reason="Moved away")


def _plan_not_agreed(w) -> None:
    from assessments.models import RecoveryPlan
    from cases.models import Case

    RecoveryPlan.objects.filter(case=w.supported).delete()
    Case.objects.filter(pk=w.supported.pk).update(status="accepted")


def _letter_not_approved(w) -> None:
    from contact.models import Letter

    Letter.objects.filter(pk=w.restricted_letter.pk).update(approved_at=None)


def _escalated(w) -> None:
    from cases.models import Case

    Case.objects.filter(pk=w.restricted.pk).update(status="high_risk", route="high_risk")


READY = {
    "support:survey": _close_supported,  # asked after closure
    "referrals:transfer_out": _victim_moved_away,  # only a victim who lives outside
    "contact:record_outcome": _victim_contacted,  # after the call that reached the victim
    "volunteers:allocate": _allocation_ended,  # one volunteer at a time
    "support:plan_new": _plan_not_agreed,  # agreed once
    "scheduling:approve_letters": _letter_not_approved,  # approved once
    "contact:step_down": _escalated,  # only from MASH / Public Protection
    "contact:close_case": _escalated,  # not while the hub is calling the victim
}


def _agree_plan(w) -> dict:
    from tests.assessments.builders import date_fields, in_days

    return {
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-kind": "phone_support",
        "actions-0-description": "Weekly call",
        "actions-0-need_areas": ["health", "finance"],
        "actions-0-owner": str(w.vcc.pk),
        **date_fields("next_review_on", in_days(14)),
    }


# A valid body where the matrix sends none (there the plan is agreed already).
BODIES = {"support:plan_new": _agree_plan}
# The valid body saves nothing, so the walk cannot prove with it that the form was read.
SAVES_NOTHING = {
    "cases:search": "a search: it only reads",
    # (and a right code would change only the session and the authenticator app's device,
    # which are not the hub's tables)
    "accounts:two_factor": "the matrix's code is not the app's current one",
    "accounts:two_factor_setup": "the matrix's code is not the app's current one",
}


def _form_views() -> list[View]:
    """One matrix entry per HTML form view (the first, unlabelled one where there are several)."""
    views: dict[str, View] = {}
    for view in MATRIX.views:
        if view.method == "post" and not view.api and view.name not in views:
            views[view.name] = view
    return list(views.values())


FORM_VIEWS = _form_views()
WALKED = [view for view in FORM_VIEWS if view.name not in NO_INPUT]


def walker(view: View) -> str:
    if view.name in CLIENTS:
        return "a user signed in with the password only"
    if view.name in WALK_AS:
        return WALK_AS[view.name].name
    for actor in WALKERS:
        outcome = view.expect.get(actor)
        if outcome is not None and outcome.permitted:
            return actor.name
    raise AssertionError(f"{view.id}: the matrix lets nobody post it")


def _client_for(view: View, request) -> Client:
    if view.name in CLIENTS:
        return CLIENTS[view.name](request)
    actors = {a.name: a for a in (*WALKERS, *WALK_AS.values())}
    return actors[walker(view)].client(request)


def _form_page(view: View) -> View | None:
    """The matrix's GET entry for the same URL, if the form has a page of its own."""
    for other in MATRIX.views:
        if other.name == view.name and other.method == "get" and other.of == view.of:
            return other
    return None


# --- What the user is told ------------------------------------------------------------------

ERROR_SHOWN = (
    "govuk-error-summary",
    "govuk-error-message",
    # messages.error() after a redirect (base.html): a banner that is not the success one
    'class="govuk-notification-banner"',
)
TOO_LARGE = "What you sent was too large"
NOT_FOUND_PAGE = "Page not found"


def _page(client: Client, response) -> tuple[int, str]:
    """(status, page text) of what the user sees: after a redirect, the page it leads to."""
    if response.status_code in (301, 302, 303):
        response = client.get(response["Location"])
    return response.status_code, response.content.decode(errors="replace")


def tells_what_is_wrong(status: int, body: str, *, may_be_not_found: bool) -> bool:
    if any(marker in body for marker in ERROR_SHOWN):
        return True
    if status == 400 and "Nothing has been saved" in body:  # the 400 page (core/error_pages.py)
        return True
    return may_be_not_found and status == 404 and NOT_FOUND_PAGE in body


# --- The walk -------------------------------------------------------------------------------


@dataclass
class Walk:
    view: View
    client: Client
    url: str
    valid: dict
    fields: list[Field]
    has_page: bool


def start(view: View, request, world) -> Walk:
    if view.name in READY:
        READY[view.name](world)
    client = _client_for(view, request)
    url = view.url(world)
    page_html = None
    page = _form_page(view)
    if page is not None:
        response = client.get(page.url(world))
        if response.status_code == 200:
            page_html = response.content.decode()
    body = BODIES.get(view.name, view.data)
    fields, valid = read_form(page_html, url, dict(body(world)) if body else {})
    return Walk(view, client, url, valid, fields, page_html is not None)


def _post(walk: Walk, replace: dict) -> tuple[int, str]:
    """Post the valid body with `replace` over it: (status, what the user is shown)."""
    response = walk.client.post(walk.url, {**walk.valid, **replace})
    return _page(walk.client, response)


def _short(text: str) -> str:
    return text if len(text) < 200 else text[:200] + "..."


@pytest.mark.parametrize("view", WALKED, ids=lambda v: v.id)
def test_every_form_refuses_hostile_input(view, request, world):
    walk = start(view, request, world)
    assert walk.fields, f"{view.id}: the walk found no field to send (list it in NO_INPUT?)"
    problems = []
    before = snapshot()

    def refused(label: str, replace: dict, *, may_be_not_found: bool = False) -> None:
        nonlocal before
        try:
            status, body = _post(walk, replace)
        except Exception as error:  # the test client raises what would be a 500
            problems.append(_short(f"{label}: {type(error).__name__}: {error}"))
            return
        if status >= 500:
            problems.append(f"{label}: answered {status}")
        elif not tells_what_is_wrong(status, body, may_be_not_found=may_be_not_found):
            problems.append(f"{label}: answered {status} and said nothing of what is wrong")
        after = snapshot()
        if after != before:
            problems.append(f"{label}: saved {'; '.join(changed(before, after))}")
            before = after

    for spec in walk.fields:
        # An id or choice that names nothing may be "Page not found" (a button's id), or a
        # field that is not on a page of its own (a button elsewhere posts it).
        not_found_ok = spec.kind in ("id", "choice", "choices") or not walk.has_page
        for what, replace in hostile(spec):
            refused(f"{spec.name} = {what}", replace, may_be_not_found=not_found_ok)

    # A body over the limit: the 400 page, whichever field is long.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    text = next((s.name for s in walk.fields if s.kind == "text"), "padding")
    status, body = _post(walk, {text: "x" * (limit + 1)})
    if status != 400 or TOO_LARGE not in body:
        problems.append(f"a body over {limit} bytes: answered {status} without the 400 page")
    if saved := changed(before, snapshot()):
        problems.append(f"a body over {limit} bytes: saved {'; '.join(saved)}")

    # The longest text each field takes is stored or refused, never a 500: the form's limit
    # is no longer than the database column's. (Each is undone, so each starts as the last.)
    for spec in walk.fields:
        replace = at_limit(spec)
        if replace is None:
            continue
        with transaction.atomic():
            try:
                status, _ = _post(walk, replace)
                failure = f"answered {status}" if status >= 500 else ""
            except Exception as error:  # the test client raises what would be a 500
                failure = f"{type(error).__name__}: {error}"
            transaction.set_rollback(True)
        cache.clear()  # undone too: the rate limits' counts (the self-referral's)
        if failure:
            problems.append(_short(f"{spec.name} at its limit ({spec.maxlength}): {failure}"))

    # The control: the matrix's valid body is read and saved, so the walk reached the form.
    if view.name not in SAVES_NOTHING:
        status, body = _post(walk, {})
        if not changed(before, snapshot()):
            problems.append(f"the valid body saved nothing ({status}): the form was not reached")
    assert not problems, f"{view.id} as {walker(view)}:\n" + "\n".join(problems)


# --- The walk is complete, and can fail -----------------------------------------------------


# Function views (whose methods cannot be read from the code) that take no POST.
NO_FORM = {
    "landing": "the public page: links only",
    "health": "monitoring: answers GET",
    "metrics": "monitoring (Prometheus, with its token): answers GET",
    "home": "sends each role to its work",
    "accounts:enrol": "an enrolment link: opening it (GET) is the whole of it",
    "accounts:ask_manager": "how to get an enrolment link: text only",
}


def test_every_form_view_is_walked_or_excused():
    """Every view outside the API that takes a POST is in the walk or in NO_INPUT: a class
    that answers POST, or a function view not listed in NO_FORM."""
    from rest_framework.views import APIView

    html = {view.name for view in FORM_VIEWS}
    walked = {view.name for view in WALKED}
    missing = []
    for name, pattern in url_patterns():
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None:
            takes_post = name not in NO_FORM
        else:
            takes_post = "post" in methods(pattern.callback)
            takes_post = takes_post and not issubclass(view_class, APIView)
        if takes_post and name not in html:
            missing.append(name)
    assert not missing, f"POST views neither walked nor in NO_INPUT: {', '.join(missing)}"
    assert walked.isdisjoint(NO_INPUT) and walked | set(NO_INPUT) == html
    stale = (set(NO_INPUT) - html) | (set(NO_FORM) - {n for n, _ in url_patterns()})
    assert not stale, f"excused, but not a view of the hub: {', '.join(sorted(stale))}"
    assert set(WALK_AS) | set(CLIENTS) | set(READY) | set(SAVES_NOTHING) | set(BODIES) <= walked
    # The walk sees the forms it must (so an empty matrix cannot pass).
    assert {"intake:ivna_new", "contact:add_note", "self_referral", "login"} <= walked


@pytest.mark.parametrize(
    "view", [v for v in FORM_VIEWS if v.name in NO_INPUT and _form_page(v)], ids=lambda v: v.id
)
def test_a_view_without_input_has_no_field_on_its_page(view, request, world):
    """NO_INPUT is true of the views' own pages (the others are buttons on other pages)."""
    page = _form_page(view)
    client = _client_for(view, request)
    response = client.get(page.url(world))
    assert response.status_code == 200
    fields, _ = read_form(response.content.decode(), view.url(world), {})
    assert not fields, f"{view.name} has fields: {sorted(f.name for f in fields)}"


def test_no_column_is_longer_than_the_walk_checks():
    """The walk posts text at its limit only where a column could be too short for it."""
    from django.db import models

    longest = max(
        f.max_length
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField) and f.max_length
    )
    assert longest <= LONGEST_COLUMN, f"raise LONGEST_COLUMN to {longest}"


def test_the_snapshot_sees_a_save_and_ignores_a_read(world):
    from audit.models import AccessAction, AccessLog
    from cases.models import Person
    from contact.models import ContactNote

    before = snapshot()
    AccessLog.objects.create(action=AccessAction.VIEW, user=world.vcc, detail="a read")
    assert changed(before, snapshot()) == []
    ContactNote.objects.create(case=world.case, text="A note", author=world.vcc)
    after = snapshot()
    assert "contact_contactnote" in [c.split(":")[0] for c in changed(before, after)]
    Person.objects.filter(pk=world.case.person_id).update(first_name="Changed")
    assert "cases_person" in [c.split(":")[0] for c in changed(after, snapshot())]


def test_the_fields_are_read_from_the_page():
    page = """
    <form method="post" action="/sign-out/"><input name="q"></form>
    <form method="post" novalidate>
      <input type="hidden" name="csrfmiddlewaretoken" value="x">
      <input type="text" name="name" maxlength="200" value="Ann">
      <textarea name="notes">
Rang twice</textarea>
      <input type="date" name="made_on"><input type="hidden" name="version" value="3">
      <input name="when_0"><input name="when_1"><input name="when_2">
      <input type="radio" name="outcome" value="a"><input type="radio" name="outcome" value="b"
        checked>
      <input type="checkbox" name="areas" value="a" checked><input type="checkbox" name="areas"
        value="b" checked>
      <input type="checkbox" name="restricted">
      <select name="owner"><option value="">None</option><option value="12">Ann</option></select>
      <input type="hidden" name="next" value="/work/">
      <input name="rows-0-kind" value="a"><input name="rows-1-kind" value="b">
      <input type="submit" name="save" value="Save">
    </form>"""
    fields, valid = read_form(page, "/here/", {"extra": "7", "name": "Bea"})
    kinds = {f.name: (f.kind, f.maxlength) for f in fields}
    assert kinds == {
        "name": ("text", 200),
        "notes": ("text", None),
        "made_on": ("date", None),
        "version": ("id", None),
        "when": ("date3", None),
        "outcome": ("choice", None),
        "areas": ("choices", None),
        "restricted": ("tick", None),
        "owner": ("choice", None),
        "rows-0-kind": ("text", None),
        "extra": ("id", None),
    }
    assert {f.name: f.values for f in fields if f.values} == {
        "outcome": ["a", "b"],
        "areas": ["a", "b"],
        "owner": ["", "12"],
    }
    assert valid == {
        "name": "Bea",
        "notes": "Rang twice",
        "made_on": "",
        "version": "3",
        "when_0": "",
        "when_1": "",
        "when_2": "",
        "outcome": "b",
        "areas": ["a", "b"],
        "owner": "",
        "next": "/work/",
        "rows-0-kind": "a",
        "rows-1-kind": "b",
        "extra": "7",
    }
