"""Who may open what: every view and endpoint of the hub, for every actor.

The rules (DOMAIN.md, "Who uses it"): only the landing page and sign-in are public. Police staff
record IVNAs and see only their own submissions, never the hub's casework. VCCs and managers
list and open cases; only managers see a case's audit history. A restricted case is for
managers and the VCC it is allocated to: to any other VCC it does not exist. Volunteers and the
OPCC have no casework. The API answers 401 without credentials, and only police clients may
submit IVNAs.

A new view needs one `View` entry below: `test_every_url_is_in_the_matrix` fails until it has.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic.edit import ProcessFormView
from pypdf import PdfWriter

from accounts.models import User
from assessments.models import Ivna
from cases.models import Case
from contact.letters import NO_LETTERS_TO_PRINT
from contact.models import ContactAttempt, ContactNote, Letter
from tests.factories import CaseFactory, IvnaFactory, PersonFactory, ivna_payload
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NOT_FOUND,
    OPCC,
    OPCC_API,
    OTHER_POLICE,
    OTHER_VCC,
    POLICE,
    POLICE_API,
    UNAUTHORIZED,
    VCC,
    VOLUNTEER,
    Outcome,
    PermissionMatrix,
    View,
    allowed,
    redirects,
    ref,
    refused_to,
)

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.fixture
def world(db, police_user, vcc_user):
    """The objects the URLs are built from.

    One person with two cases: `case`, an ordinary case from an IVNA this officer
    (`police_user`) submitted, and `restricted`, restricted and allocated to `vcc_user`; and
    `other_case`, from an IVNA another officer submitted. Any other VCC must not see
    `restricted`, even in the person's history on the page of `case`.
    """
    person = PersonFactory()
    case = IvnaFactory(recorded_by=police_user, case__person=person).case
    restricted = CaseFactory(person=person, restricted=True, allocated_to=vcc_user)
    other_case = IvnaFactory().case
    # Letters: the ordinary case's was printed today; the restricted case's waits to be.
    now = timezone.now()
    letter = Letter.objects.create(
        case=case, kind="introductory", channel="post", pdf=_blank_pdf(), status="sent",
        rendered_at=now, approved_at=now, sent_at=now,
    )
    restricted_letter = Letter.objects.create(
        case=restricted, kind="introductory", channel="post", pdf=_blank_pdf(),
        status="rendered", rendered_at=now, approved_at=now,
    )
    return SimpleNamespace(
        case=case, restricted=restricted, other_case=other_case, vcc=vcc_user, letter=letter,
        restricted_letter=restricted_letter, today=timezone.localdate(),
    )


def _blank_pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def _letter_states() -> list:
    return list(Letter.objects.order_by("pk").values_list("pk", "status", "sent_at"))


def _records() -> tuple[int, int, int]:
    """What a refused IVNA submission must leave as it was."""
    return Case.objects.count(), Ivna.objects.count(), User.objects.count()


def _ivna_form(world) -> dict:
    return {
        "reference": "CF/77777/25",
        "crime_type": "burglary",
        "offence_date_0": "3",
        "offence_date_1": "3",
        "offence_date_2": "2025",
        "first_name": "Ann",
        "last_name": "Example",
        "gender": "female",
        "ethnicity": "unknown",
        "first_language": "en",
        "interpreter_needed": "no",
        "district": "fenland",
        "safe_to_call": "yes",
        "may_leave_message": "no",
        "mash_referral": "no",
        "needs_support": "yes",
        "supported_elsewhere": "no",
        "safe_to_write": "yes",
        "consent_to_contact": "yes",
    }


SIGNED_IN = (POLICE, VCC, MANAGER, VOLUNTEER, OPCC)
NO_CASEWORK = {POLICE: FORBIDDEN, VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
NOT_POLICE = {VCC: FORBIDDEN, MANAGER: FORBIDDEN, VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
# Django admin sends everyone who is not admin staff to its own sign-in.
ADMIN_LOGIN = refused_to(f"{reverse('admin:login')}?next={reverse('admin:index')}", "admin sign-in")
LANDING = "Support for victims of crime"
SIGN_IN_LINK = f'href="{reverse("login")}"'
CASES = reverse("cases:list")
WORK = reverse("scheduling:my_work")


def _call(world) -> dict:
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "made_on": yesterday.isoformat(),
        "made_at_time": "10:30",
        "number_used": "07700900123",
        "outcome": "no_answer",
    }


def _attempts() -> int:
    return ContactAttempt.objects.count()


def _notes() -> int:
    return ContactNote.objects.count()


def _allocation() -> list:
    return list(Case.objects.order_by("pk").values_list("allocated_to", flat=True))


# Casework actions on the restricted case: its VCC and managers may, another VCC finds nothing.
def _casework_action(*, vcc: Outcome, manager: Outcome | None = None) -> dict:
    return {
        ANONYMOUS: LOGIN,
        **NO_CASEWORK,
        VCC: vcc,
        MANAGER: manager or vcc,
        OTHER_VCC: NOT_FOUND,
    }

MATRIX = PermissionMatrix(
    [
        # --- public pages and signing in and out ---
        View(
            "landing",
            expect={
                ANONYMOUS: allowed(LANDING, SIGN_IN_LINK),
                **{a: allowed(LANDING, "Go to your work") for a in SIGNED_IN},
            },
        ),
        View(
            "login",
            expect={
                ANONYMOUS: allowed('name="password"'),
                **{a: redirects(reverse("home")) for a in SIGNED_IN},
            },
        ),
        View(
            "login",
            method="post",
            data=lambda w: {"username": w.vcc.username, "password": PASSWORD},
            expect={
                ANONYMOUS: redirects(reverse("home")),
                **{a: redirects(reverse("home")) for a in SIGNED_IN},
            },
        ),
        View(
            "logout",
            method="post",
            expect={
                ANONYMOUS: LOGIN,
                # Signed out: the landing page offers sign-in again.
                **{a: redirects(reverse("landing"), SIGN_IN_LINK) for a in SIGNED_IN},
            },
        ),
        View(
            "home",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: redirects(reverse("assessments:my_submissions"), "My IVNA submissions"),
                VCC: redirects(WORK, "My work"),
                MANAGER: redirects(WORK, "My work"),
                VOLUNTEER: allowed("Your victims"),
                OPCC: allowed("Performance figures"),
            },
        ),
        # --- casework: VCCs and managers ---
        View(
            "cases:list",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed(ref("case"), ref("restricted"), ref("other_case")),
                MANAGER: allowed(ref("case"), ref("restricted"), ref("other_case")),
                OTHER_VCC: allowed(ref("case"), ref("other_case"), excludes=[ref("restricted")]),
            },
        ),
        View(
            # The search term is posted, kept in the session, and the list shown again.
            "cases:list",
            method="post",
            data=lambda w: {"q": w.restricted.crime.reference},
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: redirects(f"{CASES}?", ref("restricted"), excludes=[ref("case")]),
                MANAGER: redirects(f"{CASES}?", ref("restricted"), excludes=[ref("case")]),
                OTHER_VCC: redirects(f"{CASES}?", "0 cases", excludes=[ref("restricted")]),
            },
        ),
        View(
            "cases:detail",
            of="case",
            label="open",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                # The person's other cases include the restricted one only for who may open it.
                VCC: allowed(ref("case"), ref("restricted")),
                MANAGER: allowed(ref("case"), ref("restricted")),
                OTHER_VCC: allowed(ref("case"), excludes=[ref("restricted")]),
            },
        ),
        View(
            "cases:detail",
            of="restricted",
            label="restricted",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed(ref("restricted"), "Restricted"),
                MANAGER: allowed(ref("restricted"), "Restricted"),
                OTHER_VCC: NOT_FOUND,
            },
        ),
        View(
            "cases:audit",
            of="restricted",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed(ref("restricted"), "Audit history"),
                OTHER_VCC: FORBIDDEN,
            },
        ),
        # --- IVNAs: police staff, their own submissions only ---
        View(
            "assessments:my_submissions",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: allowed(ref("case"), excludes=[ref("other_case")]),
                **NOT_POLICE,
                OTHER_POLICE: allowed(
                    "You have not submitted any IVNAs yet",
                    excludes=[ref("case"), ref("other_case")],
                ),
            },
        ),
        View(
            "assessments:ivna_new",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: allowed("Submit IVNA", 'name="reference"'),
                **NOT_POLICE,
            },
        ),
        View(
            "assessments:ivna_new",
            method="post",
            data=_ivna_form,
            unchanged=_records,
            expect={
                ANONYMOUS: LOGIN,
                POLICE: redirects(re.compile(r"/ivnas/\d+/submitted/"), "IVNA submitted"),
                **NOT_POLICE,
            },
        ),
        View(
            "assessments:submitted",
            of="case",
            expect={
                ANONYMOUS: LOGIN,
                POLICE: allowed("IVNA submitted", ref("case")),
                **NOT_POLICE,
                OTHER_POLICE: NOT_FOUND,
            },
        ),
        # --- the API: tokens for machine clients, sessions for staff ---
        View(
            "api-ivna-create",
            method="post",
            data=lambda w: ivna_payload(),
            unchanged=_records,
            expect={
                ANONYMOUS: UNAUTHORIZED,
                POLICE: allowed('"case_id"', '"route"', status=201),
                POLICE_API: allowed('"case_id"', '"route"', status=201),
                **NOT_POLICE,
                OPCC_API: FORBIDDEN,
            },
        ),
        View(
            "api-performance-flow",
            data=lambda w: {"from": "2025-01-01", "to": "2025-12-31"},
            expect={
                ANONYMOUS: UNAUTHORIZED,
                POLICE: FORBIDDEN,
                VCC: FORBIDDEN,
                MANAGER: allowed('"referred"', '"supported_rate"'),
                VOLUNTEER: FORBIDDEN,
                OPCC: allowed('"referred"', '"supported_rate"'),
                POLICE_API: FORBIDDEN,
                OPCC_API: allowed('"referred"', '"supported_rate"'),
            },
        ),
        View(
            "api-schema",
            expect={
                ANONYMOUS: UNAUTHORIZED,
                **{
                    a: allowed("/api/v1/ivnas/")
                    for a in (*SIGNED_IN, POLICE_API, OPCC_API)
                },
            },
        ),
        View(
            "api-docs",
            expect={
                ANONYMOUS: UNAUTHORIZED,
                **{
                    a: allowed("swagger-ui", reverse("api-schema"))
                    for a in (*SIGNED_IN, POLICE_API, OPCC_API)
                },
            },
        ),
        # --- letters: a letter's PDF and the post room, for casework users ---
        View(
            "letters:download",
            of="letter",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: allowed("%PDF"),
            },
        ),
        View(
            "letters:download",
            of="restricted_letter",
            label="restricted",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: NOT_FOUND,
            },
        ),
        View(
            "letters:post_room",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("Post room", "Print today"),
                MANAGER: allowed("Post room", "Print today"),
                # The only letter waiting is a restricted case's: not theirs to print.
                OTHER_VCC: allowed("Post room", excludes=["Print today"]),
            },
        ),
        View(
            "letters:print_run",
            method="post",
            unchanged=_letter_states,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: redirects(reverse("letters:post_room"), NO_LETTERS_TO_PRINT),
            },
        ),
        View(
            "letters:day_batch",
            of="today",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("%PDF"),
                MANAGER: allowed("%PDF"),
                OTHER_VCC: allowed("%PDF"),
            },
        ),
        # --- contact work on a case (the restricted one: its VCC and managers only) ---
        View(
            "contact:record_attempt",
            of="restricted",
            expect=_casework_action(vcc=allowed("Record a call", ref("restricted"))),
        ),
        View(
            "contact:record_attempt",
            method="post",
            of="restricted",
            data=_call,
            unchanged=_attempts,
            expect=_casework_action(vcc=redirects(re.compile(r"/cases/\d+/"), "no answer")),
        ),
        View(
            "contact:record_outcome",
            of="restricted",
            expect=_casework_action(vcc=allowed("Record the outcome of contact")),
        ),
        View(
            "contact:record_outcome",
            method="post",
            of="restricted",
            data=lambda w: {"outcome": "accepted"},
            expect=_casework_action(
                vcc=allowed("Record the call on which the victim was contacted first")
            ),
        ),
        View(
            "contact:add_note",
            of="restricted",
            expect=_casework_action(vcc=allowed("Add a note", ref("restricted"))),
        ),
        View(
            "contact:add_note",
            method="post",
            of="restricted",
            data=lambda w: {"text": "Rang the school"},
            unchanged=_notes,
            expect=_casework_action(vcc=redirects(re.compile(r"/cases/\d+/"), "Rang the school")),
        ),
        View(
            "contact:got_in_touch",
            method="post",
            of="restricted",
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "already open for contact")
            ),
        ),
        View(
            "contact:retry_letter",
            method="post",
            of="restricted, restricted_letter",
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "Only a failed letter")
            ),
        ),
        View(
            "cases:allocate",
            method="post",
            of="restricted",
            data=lambda w: {"to": "me"},
            unchanged=_allocation,
            expect=_casework_action(
                vcc=redirects(re.compile(r"/cases/\d+/"), "allocated to"),
            ),
        ),
        # --- My work and the team ---
        View(
            "scheduling:my_work",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: allowed("My work", "Unallocated queue"),
                MANAGER: allowed("My work", "Unallocated queue"),
            },
        ),
        View(
            "scheduling:approve_letters",
            method="post",
            data=lambda w: {"letter": [w.restricted_letter.pk]},
            unchanged=_letter_states,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: redirects(WORK),
                MANAGER: redirects(WORK),
                OTHER_VCC: redirects(WORK, "Select the letters you have checked"),
            },
        ),
        View(
            "scheduling:team",
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: allowed("Team workload"),
            },
        ),
        View(
            "scheduling:reallocate",
            method="post",
            data=lambda w: {"from_user": w.vcc.pk, "to_user": ""},
            unchanged=_allocation,
            expect={
                ANONYMOUS: LOGIN,
                **NO_CASEWORK,
                VCC: FORBIDDEN,
                MANAGER: redirects(reverse("scheduling:team"), "open cases moved"),
            },
        ),
        # --- Django admin: superusers only (hub roles are never admin staff) ---
        View(
            "admin:index",
            expect={
                **{a: ADMIN_LOGIN for a in (ANONYMOUS, *SIGNED_IN)},
            },
        ),
    ]
)


@pytest.mark.parametrize(("view", "actor"), MATRIX.params())
def test_permission(view, actor, request, world):
    MATRIX.check(view, actor, request=request, world=world)


# --- The matrix is complete ---------------------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")
# PUT on a Django form view is its POST handler (with an empty form): the POST entry covers it.
DELEGATED = {ProcessFormView.put}


def _url_patterns(resolver=None, namespace=""):
    """(qualified name or None, pattern) for every URL pattern, through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin: covered by the "admin:index" entry
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            module = getattr(pattern.callback, "__module__", "")
            if module.startswith(("django.views.static", "django.contrib.staticfiles")):
                continue
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, pattern


def _methods(callback) -> set[str]:
    """The HTTP methods a class-based view answers (a function view: unknown, so none)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return set()
    return {
        m
        for m in METHODS
        if m in view_class.http_method_names
        and getattr(view_class, m, None) is not None
        and getattr(view_class, m) not in DELEGATED
    }


def test_every_url_is_in_the_matrix():
    covered = MATRIX.covered()
    covered_names = {name for name, _ in covered}
    missing = []
    for name, pattern in _url_patterns():
        if name is None:
            missing.append(f"{pattern.pattern} has no name (name it and add it to the matrix)")
            continue
        if name not in covered_names:
            missing.append(f"{name} ({pattern.pattern})")
            continue
        missing += [
            f"{method.upper()} {name}"
            for method in sorted(_methods(pattern.callback))
            if (name, method) not in covered
        ]
    assert not missing, "No permission-matrix entry for: " + "; ".join(missing)


def test_the_walk_sees_the_project():
    """Guard the completeness test itself: the walk finds the views it must."""
    names = {name for name, _ in _url_patterns()}
    assert {"landing", "cases:detail", "assessments:submitted", "api-ivna-create"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


# --- No list shows what its reader may not open -------------------------------------------

CASE_LINK = re.compile(r'href="/cases/(\d+)/"')


@pytest.mark.parametrize("actor", [VCC, MANAGER, OTHER_VCC], ids=str)
def test_case_lists_show_only_cases_the_user_may_open(actor, request, world):
    client = actor.client(request)
    body = client.get(CASES).content.decode()
    listed = {int(pk) for pk in CASE_LINK.findall(body)}
    openable = {
        pk
        for pk in Case.objects.values_list("pk", flat=True)
        if client.get(reverse("cases:detail", args=[pk])).status_code == 200
    }
    assert listed == openable, f"{actor}: listed {sorted(listed)}, may open {sorted(openable)}"
    # The person's history on each case page: 0 foreign cases there too.
    for pk in openable:
        page = client.get(reverse("cases:detail", args=[pk])).content.decode()
        linked = {int(other) for other in CASE_LINK.findall(page)}
        assert linked <= openable, f"{actor}: case {pk} links to {sorted(linked - openable)}"


@pytest.mark.parametrize("actor", [POLICE, OTHER_POLICE], ids=str)
def test_submissions_list_shows_only_own_ivnas(actor, request, world):
    client = actor.client(request)
    body = client.get(reverse("assessments:my_submissions")).content.decode()
    user = User.objects.get(pk=client.session[SESSION_KEY])
    shown = set(re.findall(r"VH-\d{6}", body))
    own = {ivna.case.reference for ivna in Ivna.objects.filter(recorded_by=user)}
    assert shown == own


def test_a_superuser_may_open_the_admin(client, db):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    assert client.get(reverse("admin:index")).status_code == 200


def test_matrix_size():
    """Every view is checked for at least the six actors (anonymous and the five roles)."""
    assert len(MATRIX) >= 6 * len(MATRIX.views)
