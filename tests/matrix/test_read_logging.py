"""Every read of a victim's records leaves an access-log row: the walk over every URL.

Issue: "Every read and every change is logged (DPA 2018 s.62) ... Reads include case pages,
lists, search, exports, letters and the API ... A test walks every URL pattern and checks each
read leaves a log row."

How the walk decides what a read is:
- Every named URL pattern of the project is found by the permission matrix's own walker
  (`_url_patterns`), so a new view is seen here the moment it is routed.
- A view that answers POST only is a change, not a read: its changes are logged by pghistory
  (tests/audit/test_audit.py), and what it shows next is the page it redirects to.
- Everything under the victims' paths (VICTIM_PATHS: cases, people, My work, letters, IVNAs,
  volunteers' visits) is a read of victims' records unless it is in EXEMPT with its reason;
  a view elsewhere must be named in READS or in EXEMPT, or `test_every_view_is_classified`
  fails. So a new view under those paths that does not log fails the walk.
- Each read is opened, with the world of the permission matrix, by every signed-in actor the
  matrix says may open it (a 200; redirects show nothing themselves), and must leave at least
  one new AccessLog row for that user, naming the records when the URL names one.

The API: its GET endpoints give aggregates only (flow counts and the quarterly return, with
small counts suppressed), and its two POSTs (IVNAs and transfers from the police) answer with
ids and the route only (`test_api_writes_answer_with_ids_only`): no API read returns a person
today. A GET endpoint that did would be under /api/, so it must be classified here first.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audit.models import AccessAction, AccessLog
from tests.factories import ivna_payload
from tests.matrix.entries import MATRIX, methods, url_patterns

# Where victims' records are shown: every view under these is a read unless exempted below.
VICTIM_PATHS = ("/cases/", "/people/", "/work/", "/letters/", "/ivnas/", "/volunteers/")

# Reads outside those paths.
READS = {
    "referrals:create": "a plan action's referral, with what it will carry about the victim",
    "reporting:export": "the dashboard's export (exports are reads: issue)",
    "privacy:subject_access": "a person's subject access page",
    "complaints:list": "the complaints log: complainants' names, the cases complained about",
    "complaints:detail": "a complaint: the complainant and the case",
    "api-case-rights": "API: a case's Victims' Code rights, for the police client that "
    "submitted its IVNA (no person's details; the read is logged)",
}

# Views that show no victim's record, each with the reason. Under VICTIM_PATHS they need one.
EXEMPT = {
    # Public pages and signing in.
    "landing": "public landing page",
    "self_referral": "public self-referral form (a blank form; the POST is a change)",
    "self_referral_done": "redirects to the form unless the session has just submitted",
    "how_to_complain": "public page: how to complain about the hub",
    "complaints:record": "a blank form to record a complaint (the POST is a change)",
    "login": "sign-in",
    "accounts:two_factor": "two-factor sign-in step",
    "accounts:two_factor_setup": "two-factor set-up (the user's own authenticator)",
    "accounts:enrol": "an enrolment link (the user's own authenticator)",
    "accounts:ask_manager": "how to get an enrolment link",
    "team:members": "staff accounts, no victim's record",
    "team:new_member": "staff accounts, no victim's record",
    "team:member": "staff accounts, no victim's record",
    "team:reactivate": "staff accounts, no victim's record",
    "team_casework:deactivate": "staff accounts; lists only the case references to return",
    "team:enrolment_link": "staff accounts, no victim's record",
    "team:reset_authenticator": "staff accounts, no victim's record",
    "home": "a redirect to the role's work; the OPCC's figures are aggregates",
    "health": "monitoring: component status, no records",
    "metrics": "monitoring: counts of scheduled work and letters, no records (token only)",
    # Aggregates.
    "reporting:dashboard": "aggregates (the performance dashboard)",
    "performance:return": "aggregates: the OPCC quarterly return as the API gives it, "
    "small counts suppressed",
    "scheduling:team": "counts of open and due work per co-ordinator, no victim",
    "letters:post_room": "counts of letters waiting and printed per day, no victim",
    "api-performance-flow": "API: flow counts (aggregates)",
    "api-returns-compliance": "API: the OPCC Victims' Code compliance return (aggregates, "
    "small counts suppressed)",
    "performance:compliance": "aggregates: the compliance return as the API gives it",
    "api-returns-quarterly": "API: the OPCC quarterly return (aggregates, small counts suppressed)",
    "api-schema": "API: the OpenAPI schema",
    "api_clients:list": "machine clients and their tokens' state: no victim",
    "password:change": "the user's own password form",
    "password:done": "a confirmation that the user's password changed",
    "api_clients:create": "a blank form for a new machine client: no victim",
    "api-docs": "API: the Swagger UI page",
    # Blank forms, and records that are not victims'.
    "cases:search": "the blank search form; the search (a POST) logs each search as a read "
    "of the cases found (tests/cases/test_find_my_work.py)",
    "intake:ivna_new": "a blank IVNA form",
    "intake:transfer_in": "a blank form for a transfer from another area",
    "directory:directory": "the service directory (organisations, not victims)",
    "directory:service_add": "the service directory",
    "directory:service_edit": "the service directory",
    "directory:service_deactivate": "the service directory",
    "volunteers:pool": "the volunteer pool: staff records and counts, no victim",
    "volunteers:add": "a blank form for a new volunteer",
    "volunteers:edit": "a volunteer's own profile (staff, not a victim)",
    "privacy:schedule": "the retention schedule (rules, no records)",
    "privacy:holds": "legal holds: case references and ids only, never a name",
}

# Reads that show a victim's details and log nothing yet: each is an expected failure (strict,
# so the entry must go once the view logs). Owners: see the reason.
KNOWN_GAPS: dict[str, str] = {}


def _sample_path(name: str, args: int) -> str:
    """A URL of the pattern, for its path prefix (a pk of 1, or a date)."""
    for sample in (1, date(2025, 1, 6)):
        try:
            return reverse(name, args=[sample] * args)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def _answers_get(pattern) -> bool:
    answers = methods(pattern.callback)
    return not answers or "get" in answers  # a function view: assume it answers GET


def _classify() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(reads: name -> why, exempt: name -> reason, problems)."""
    reads: dict[str, str] = {}
    exempt: dict[str, str] = {}
    problems: list[str] = []
    for name, pattern in url_patterns():
        if name is None or not _answers_get(pattern):
            continue
        path = _sample_path(name, len(getattr(pattern.pattern, "converters", {})))
        if name in EXEMPT and name in READS:
            problems.append(f"{name} is both a read and exempt")
        elif name in EXEMPT:
            exempt[name] = EXEMPT[name]
        elif name in READS:
            reads[name] = READS[name]
        elif path.startswith(VICTIM_PATHS):
            reads[name] = f"under {path}"
        else:
            problems.append(f"{name} ({path}): add it to READS or to EXEMPT with a reason")
    return reads, exempt, problems


def _staff_readers(view) -> list:
    """Signed-in actors (a role's user or a token client) the matrix lets open the page."""
    return [
        actor
        for actor, outcome in view.expect.items()
        if outcome.permitted and outcome.status == 200 and (actor.user or actor.api_client)
    ]


def _walk() -> list:
    reads, _, _ = _classify()
    params = []
    for view in MATRIX.views:
        if view.method != "get" or view.name not in reads:
            continue
        marks = []
        if view.name in KNOWN_GAPS:
            marks = [pytest.mark.xfail(reason=KNOWN_GAPS[view.name], strict=True)]
        params += [
            pytest.param(view, actor, id=f"{view.id} as {actor.name}", marks=marks)
            for actor in _staff_readers(view)
        ]
    return params


WALK = _walk()


@pytest.fixture
def walk_world(world):
    """The matrix's world, with work due on My work (so that page shows a case)."""
    from scheduling.models import ItemKind
    from scheduling.services import schedule

    schedule(
        kind=ItemKind.FIRST_CONTACT, due_at=timezone.now() - timedelta(hours=1), case=world.case
    )
    return world


def test_every_view_is_classified():
    reads, exempt, problems = _classify()
    assert not problems, "; ".join(problems)
    routed = {name for name, _ in url_patterns()}
    stale = sorted((set(EXEMPT) | set(READS) | set(KNOWN_GAPS)) - routed)
    assert not stale, f"no such URL pattern any more: {stale}"
    assert {"cases:detail", "cases:list", "people:detail", "audit:person_access"} <= set(reads)
    assert "reporting:dashboard" in exempt


def test_every_read_is_walked():
    """Each read has a matrix entry that some signed-in actor may open (else it redirects:
    nothing is shown there)."""
    reads, _, _ = _classify()
    walked = {view.name for view, _ in (p.values for p in WALK)}
    unwalked = []
    for name in sorted(set(reads) - walked):
        entries = [v for v in MATRIX.views if v.name == name and v.method == "get"]
        shows = [
            v.id for v in entries
            for o in v.expect.values() if o.permitted and o.status not in (301, 302, 303)
        ]
        if not entries or shows:
            unwalked.append(name)
    assert not unwalked, f"reads the walk cannot open: {unwalked}"


@pytest.mark.parametrize(("view", "actor"), WALK)
def test_read_leaves_an_access_log_row(view, actor, request, walk_world):
    world = walk_world
    client = actor.client(request)
    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = view.send(client, world)
    assert response.status_code == 200, f"{view.id} as {actor}: {response.status_code}"
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    user = response.wsgi_request.user
    rows = list(AccessLog.objects.filter(pk__gt=last, user_id=user.pk))
    assert rows, f"{view.id} ({view.url(world)}) as {actor}: the read left no access-log row"
    if view.of:
        assert any(r.case_ids or r.person_ids for r in rows), (
            f"{view.id} as {actor}: the log row does not say whose records were read"
        )


def test_the_walk_covers_the_victim_pages():
    walked = {view.name for view, _ in (p.values for p in WALK)}
    assert {"cases:detail", "cases:list", "people:detail", "scheduling:my_work",
            "letters:download", "letters:day_batch", "volunteers:visit", "volunteers:my_visits",
            "privacy:subject_access", "audit:person_access", "audit:case_access"} <= walked


def test_api_writes_answer_with_ids_only(police_api, transfer_api, db):
    """The API returns no person: its POSTs answer with ids (and the route) only."""
    ivna = police_api.post(reverse("api-ivna-create"), ivna_payload(), format="json")
    assert ivna.status_code == 201
    assert set(ivna.json()) == {"case_id", "victim_id", "route"}
    transfer = transfer_api.post(
        reverse("api-transfer-create"),
        {
            "sending_organisation": {"kind": "action_fraud"},
            "reference": "NFRC250300009",
            "crime": {"crime_type": "fraud", "offence_date": "2025-03-01"},
            "victim": {"first_name": "Mary", "last_name": "Smith", "district": "fenland"},
        },
        format="json",
    )
    assert transfer.status_code == 201, transfer.content
    assert set(transfer.json()) == {"case_id", "victim_id"}


def test_the_restricted_notice_is_logged_as_refused(client, world):
    """Another VCC at a restricted case's URL sees nothing of it, and managers see they came."""
    from accounts.roles import Role
    from tests.factories import user_with_role

    other = user_with_role(Role.VCC, username="curious_vcc")
    client.force_login(other)
    response = client.get(reverse("cases:detail", args=[world.restricted.pk]))
    assert response.status_code == 403
    row = AccessLog.objects.get(user=other)
    assert row.action == AccessAction.REFUSED
    assert row.case_ids == [world.restricted.pk]
