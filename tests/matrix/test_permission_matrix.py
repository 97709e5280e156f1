"""Who may open what: every view and endpoint of the hub, for every actor.

The rules (DOMAIN.md, "Who uses it"): only the landing page and sign-in are public. Police staff
record IVNAs and see only their own submissions, never the hub's casework. VCCs and managers
list and open cases; only managers see a case's audit history. A restricted case is for
managers, the VCC it is allocated to and users named on it: any other VCC never sees it listed,
and at its own URL gets only "This record is restricted" and a break-glass form (audit app;
tests/audit/permission_entries.py). Volunteers and the OPCC have no casework. The API answers
401 without credentials, and only police clients may submit IVNAs.

The entries are beside each app's tests (tests/<app>/permission_entries.py), assembled in
tests/matrix/entries.py; the world they open is built once for this module
(tests/matrix/conftest.py). A new view needs one `View` entry in its app's list:
`test_every_url_is_in_the_matrix` fails until it has.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from core.references import REFERENCE_PATTERN
from intake.models import Ivna
from tests.matrix.entries import MATRIX, methods, url_patterns
from tests.permissions import CASES, MANAGER, OTHER_POLICE, OTHER_VCC, PASSWORD, POLICE, VCC


@pytest.mark.parametrize(("view", "actor"), MATRIX.params())
def test_permission(view, actor, request, world):
    MATRIX.check(view, actor, request=request, world=world)


# --- The matrix is complete ---------------------------------------------------------------

def test_every_url_is_in_the_matrix():
    covered = MATRIX.covered()
    covered_names = {name for name, _ in covered}
    missing = []
    for name, pattern in url_patterns():
        if name is None:
            missing.append(f"{pattern.pattern} has no name (name it and add it to the matrix)")
            continue
        if name not in covered_names:
            missing.append(f"{name} ({pattern.pattern})")
            continue
        missing += [
            f"{method.upper()} {name}"
            for method in sorted(methods(pattern.callback))
            if (name, method) not in covered
        ]
    assert not missing, "No permission-matrix entry for: " + "; ".join(missing)


def test_the_walk_sees_the_project():
    """Guard the completeness test itself: the walk finds the views it must."""
    names = {name for name, _ in url_patterns()}
    assert {"landing", "cases:detail", "intake:submitted", "api-ivna-create"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


# --- No list shows what its reader may not open -------------------------------------------

CASE_LINK = re.compile(r'href="/cases/(\d+)/"')


@pytest.mark.parametrize("actor", [VCC, MANAGER, OTHER_VCC], ids=str)
def test_case_lists_show_only_cases_the_user_may_open(actor, request, world):
    client = actor.client(request)
    body = client.get(CASES, {"status": "all"}).content.decode()
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
    body = client.get(reverse("intake:my_submissions")).content.decode()
    user = User.objects.get(pk=client.session[SESSION_KEY])
    shown = set(re.findall(REFERENCE_PATTERN, body))
    own = {ivna.case.reference for ivna in Ivna.objects.filter(recorded_by=user)}
    assert shown == own


def test_a_superuser_may_open_the_admin(client, db):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    assert client.get(reverse("admin:index")).status_code == 200


def test_matrix_size():
    """Every view is checked for at least the six actors (anonymous and the five roles)."""
    assert len(MATRIX) >= 6 * len(MATRIX.views)
