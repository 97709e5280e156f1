"""A permission matrix for the hub's views and API endpoints (STYLE.md, practice 8).

Each `View` entry names a URL pattern, says how to call it (the method, the fixture object whose
id goes in the URL, a body) and gives the outcome for every actor: anonymous, each role, the
machine clients, and a user who has the role but not the object. `PermissionMatrix.params()`
turns the table into one pytest test per (view, actor), named like
"GET cases:detail/restricted as other_vcc", and `PermissionMatrix.check()` makes the request and
asserts the outcome: an allowed response must really show the thing (the case reference on the
case page) and leave out what the actor may not open; a refused one must show none of it.

The entries live beside each app's tests (tests/<app>/permission_entries.py, each a list
`VIEWS`) and are assembled in tests/permission_matrix.py. A new view is one more `View` in its
app's list; the completeness test (tests/matrix/test_permission_matrix.py) fails until it has one.
What several apps' entries share (actor groups, snapshots of records) is at the end here.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.roles import Role
from tests.factories import user_with_role

SAFE_METHODS = {"get", "head", "options"}


# --- Who asks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Someone who makes the request.

    Exactly one of: `user` (a conftest fixture returning a User, signed in with a session),
    `api_client` (a conftest fixture returning a client that sends an API token), `role` (a new
    user with that role and nothing else: "has the role but not the object"), or none of them
    (anonymous).
    """

    name: str
    user: str | None = None
    api_client: str | None = None
    role: str | None = None

    def __str__(self) -> str:
        return self.name

    @property
    def is_outsider(self) -> bool:
        return self.role is not None

    def client(self, request: pytest.FixtureRequest) -> Client:
        if self.api_client:
            return request.getfixturevalue(self.api_client)
        client = Client()
        if self.user:
            client.force_login(request.getfixturevalue(self.user))
        elif self.role:
            client.force_login(user_with_role(self.role, username=self.name))
        return client


ANONYMOUS = Actor("anonymous")
POLICE = Actor("police", user="police_user")
VCC = Actor("vcc", user="vcc_user")
MANAGER = Actor("manager", user="manager_user")
VOLUNTEER = Actor("volunteer", user="volunteer_user")
OPCC = Actor("opcc", user="opcc_user")
# The machine clients: the force's crime system, a transfer sender and the OPCC, each with an
# API token.
POLICE_API = Actor("police_api", api_client="police_api")
OPCC_API = Actor("opcc_api", api_client="opcc_api")
# Another force's, Action Fraud's or BTP's system: a transfer sender (sends transfers only).
TRANSFER_API = Actor("transfer_api", api_client="transfer_api")
# The role but not the object: a second VCC (no restricted case is allocated to them) and a
# second officer (who submitted none of the IVNAs in the fixtures).
OTHER_VCC = Actor("other_vcc", role=Role.VCC)
OTHER_POLICE = Actor("other_police", role=Role.POLICE)
# A second volunteer: no victim is allocated to them.
OTHER_VOLUNTEER = Actor("other_volunteer", role=Role.VOLUNTEER)

# Every entry must say what happens to each of these.
EVERYONE = (ANONYMOUS, POLICE, VCC, MANAGER, VOLUNTEER, OPCC)
TOKEN_CLIENTS = (POLICE_API, TRANSFER_API, OPCC_API)


# --- What they should get -----------------------------------------------------------------

# A text the response must (or must not) show: a literal, or a function of the fixture objects.
Text = str | Callable[[Any], str]


@dataclass(frozen=True)
class _Reference:
    attribute: str

    def __call__(self, world: Any) -> str:
        return getattr(world, self.attribute).reference

    def __repr__(self) -> str:
        return f"ref({self.attribute!r})"


def ref(attribute: str) -> _Reference:
    """The hub reference ("VH-7K3M-Q9XD") of a fixture object, e.g. `ref("restricted")`."""
    return _Reference(attribute)


def _text(value: Text, world: Any) -> str:
    return value(world) if callable(value) else value


def login_url(path: str) -> str:
    """Where LoginRequiredMiddleware sends the anonymous: the sign-in page, back to `path`."""
    return f"{reverse('login')}?{urlencode({'next': path}, safe='/')}"


@dataclass(frozen=True)
class Outcome:
    """What one actor gets from one view.

    `to` is where a redirect must go: an exact URL, a regex, or a function of the requested
    path. `contains` and `excludes` are checked on the page itself or, for a redirect, on the
    page it leads to. `permitted` is False for refusals (401, 403, 404, a sign-in redirect).
    """

    label: str
    status: int
    to: str | re.Pattern | Callable[[str], str] | None = None
    contains: tuple[Text, ...] = ()
    excludes: tuple[Text, ...] = ()
    permitted: bool = True

    def __repr__(self) -> str:
        return self.label


def allowed(*contains: Text, excludes: Iterable[Text] = (), status: int = 200) -> Outcome:
    """The page or endpoint answers, showing each of `contains` and none of `excludes`."""
    return Outcome(f"allowed ({status})", status, contains=contains, excludes=tuple(excludes))


def redirects(
    to: str | re.Pattern, *contains: Text, excludes: Iterable[Text] = ()
) -> Outcome:
    """Allowed, and sent on to `to` (where the role's work is, or the next step)."""
    return Outcome(f"redirect to {to}", 302, to=to, contains=contains, excludes=tuple(excludes))


def refused_to(to: str | Callable[[str], str], label: str) -> Outcome:
    """Refused by a redirect to a sign-in page."""
    return Outcome(label, 302, to=to, permitted=False)


LOGIN = refused_to(login_url, "sign-in redirect")
UNAUTHORIZED = Outcome("401", 401, permitted=False)
FORBIDDEN = Outcome("403", 403, permitted=False)
NOT_FOUND = Outcome("404 (hidden)", 404, permitted=False)


# --- The table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """One view (or one method of it) and the outcome for each actor.

    `name` is the URL pattern name as `reverse()` takes it; `of` names the fixture object whose
    pk goes in the URL (a dotted path reaches further, a comma separates two:
    `of="restricted_letter.case, restricted_letter"`; a value without a pk, such as a date, is
    used as it is); `data` builds the body from the fixture objects (JSON under /api/, a form
    otherwise); `label` tells apart two entries for the same view; `unchanged` is a snapshot
    that a refused request must leave as it was (nothing half-saved).
    """

    name: str
    expect: Mapping[Actor, Outcome]
    method: str = "get"
    of: str | None = None
    data: Callable[[Any], dict] | None = None
    label: str = ""
    unchanged: Callable[[], object] | None = None
    api: bool = field(init=False)

    def __post_init__(self) -> None:
        # The API authenticates by token and answers 401/403 itself (core.middleware).
        try:
            sample = reverse(self.name, args=[1] * len(self._parts()))
        except NoReverseMatch:  # a URL that takes something other than a pk (a date)
            sample = ""
        object.__setattr__(self, "api", sample.startswith("/api/"))

    def _parts(self) -> list[str]:
        return [part.strip() for part in self.of.split(",")] if self.of else []

    def url(self, world: Any) -> str:
        args = []
        for part in self._parts():
            value: Any = world
            for attribute in part.split("."):
                value = getattr(value, attribute)
            args.append(getattr(value, "pk", value))
        return reverse(self.name, args=args)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}" + (f"/{self.label}" if self.label else "")

    def send(self, client: Client, world: Any):
        url = self.url(world)
        data = self.data(world) if self.data else {}
        call = getattr(client, self.method)
        if self.api and self.method not in SAFE_METHODS:
            return call(url, json.dumps(data), content_type="application/json")
        return call(url, data)

    def shown_texts(self) -> list[Text]:
        """Everything an allowed actor is shown here: a refused one must see none of it."""
        return [
            t for outcome in self.expect.values() if outcome.permitted for t in outcome.contains
        ]


class PermissionMatrix:
    """The table of views; one test per (view, actor)."""

    def __init__(self, views: Iterable[View]):
        self.views: list[View] = []
        seen: set[str] = set()
        for view in views:
            expect = dict(view.expect)
            missing = [a.name for a in EVERYONE if a not in expect]
            if view.api:
                missing += [a.name for a in TOKEN_CLIENTS if a not in expect]
            else:
                # Outside /api/ a token signs nobody in: the machine clients are anonymous.
                for actor in TOKEN_CLIENTS:
                    expect.setdefault(actor, expect.get(ANONYMOUS, LOGIN))
            if missing:
                raise ValueError(f"{view.id}: no expected outcome for {', '.join(missing)}")
            if view.of and not any(actor.is_outsider for actor in expect):
                raise ValueError(
                    f"{view.id} opens a {view.of!r}: add an actor with the role but not the "
                    "object (e.g. OTHER_VCC)"
                )
            if view.id in seen:
                raise ValueError(f"{view.id} is in the matrix twice: give one a label")
            seen.add(view.id)
            self.views.append(
                View(
                    name=view.name,
                    expect=expect,
                    method=view.method,
                    of=view.of,
                    data=view.data,
                    label=view.label,
                    unchanged=view.unchanged,
                )
            )

    def __len__(self) -> int:
        return sum(len(view.expect) for view in self.views)

    def params(self) -> list:
        return [
            pytest.param(view, actor, id=f"{view.id} as {actor.name}")
            for view in self.views
            for actor in view.expect
        ]

    def covered(self) -> set[tuple[str, str]]:
        """(URL name, method) pairs in the matrix."""
        return {(view.name, view.method) for view in self.views}

    @staticmethod
    def check(view: View, actor: Actor, *, request: pytest.FixtureRequest, world: Any) -> None:
        outcome = view.expect[actor]
        client = actor.client(request)
        url = view.url(world)
        before = view.unchanged() if view.unchanged else None
        response = view.send(client, world)
        where = f"{view.id} ({url}) as {actor.name}: expected {outcome.label}"
        location = response.get("Location", "")

        assert response.status_code == outcome.status, (
            f"{where}, got {response.status_code}"
            + (f" to {location}" if location else "")
            + f"\n{_body(response)[:500]}"
        )
        if outcome.to is not None:
            _assert_goes_to(location, outcome.to, path=url, where=where)

        page = response
        if outcome.status in (301, 302, 303) and (outcome.contains or outcome.excludes):
            page = client.get(location)
            assert page.status_code == 200, f"{where}: {location} answered {page.status_code}"
        body = _body(page)
        for text in outcome.contains:
            value = _text(text, world)
            assert value in body, f"{where}: {value!r} ({text!r}) is not on the page"
        for text in outcome.excludes:
            value = _text(text, world)
            assert value not in body, f"{where}: {value!r} ({text!r}) must not be shown"

        if not outcome.permitted:
            for text in view.shown_texts():
                value = _text(text, world)
                assert value not in body, f"{where}: the refusal shows {value!r}"
            if view.unchanged is not None:
                assert view.unchanged() == before, f"{where}: the refused request changed data"


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _assert_goes_to(location: str, to, *, path: str, where: str) -> None:
    if isinstance(to, re.Pattern):
        assert to.fullmatch(location), f"{where}: redirected to {location}, not {to.pattern}"
        return
    expected = to(path) if callable(to) else to
    assert location == expected, f"{where}: redirected to {location}, not {expected}"


# --- Shared by the entries of several apps ------------------------------------------------

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
SIGNED_IN = (POLICE, VCC, MANAGER, VOLUNTEER, OPCC)
NO_CASEWORK = {POLICE: FORBIDDEN, VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
NOT_POLICE = {VCC: FORBIDDEN, MANAGER: FORBIDDEN, VOLUNTEER: FORBIDDEN, OPCC: FORBIDDEN}
CASES = reverse("cases:list")
WORK = reverse("scheduling:my_work")


def casework_action(*, vcc: Outcome, manager: Outcome | None = None) -> dict:
    """Casework actions on the restricted case: its VCC and managers may, another VCC finds
    nothing."""
    return {
        ANONYMOUS: LOGIN,
        **NO_CASEWORK,
        VCC: vcc,
        MANAGER: manager or vcc,
        OTHER_VCC: NOT_FOUND,
    }


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def letter_states() -> list:
    from contact.models import Letter

    return list(Letter.objects.order_by("pk").values_list("pk", "status", "sent_at"))


def case_records() -> tuple[int, int, int]:
    """What a refused IVNA submission must leave as it was."""
    from accounts.models import User
    from cases.models import Case
    from intake.models import Ivna

    return Case.objects.count(), Ivna.objects.count(), User.objects.count()


def allocations() -> list:
    from cases.models import Case

    return list(Case.objects.order_by("pk").values_list("allocated_to", flat=True))
