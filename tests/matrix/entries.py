"""The permission matrix, assembled: every app's entries (tests/<app>/permission_entries.py)
in one `MATRIX`, and the walk over the project's URLs that the completeness tests compare it
with (`url_patterns`, `methods`).

A new view needs one `View` entry in its app's list: `test_every_url_is_in_the_matrix`
(tests/matrix/test_permission_matrix.py) fails until it has one.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic.edit import ProcessFormView

from tests.accounts import api_client_permission_entries as api_clients
from tests.accounts import password_permission_entries as password
from tests.accounts import permission_entries as accounts
from tests.assessments import permission_entries as assessments
from tests.assessments import plan_permission_entries as support
from tests.audit import permission_entries as audit
from tests.cases import permission_entries as cases
from tests.complaints import permission_entries as complaints
from tests.contact import permission_entries as contact
from tests.hub import permission_entries as hub
from tests.intake import permission_entries as intake
from tests.permissions import PermissionMatrix
from tests.privacy import permission_entries as privacy
from tests.referrals import permission_entries as referrals
from tests.reporting import permission_entries as reporting
from tests.rights import permission_entries as rights
from tests.scheduling import permission_entries as scheduling
from tests.volunteers import permission_entries as volunteers

ENTRIES = (hub, cases, assessments, reporting, contact, support, scheduling, volunteers,
           referrals, privacy, audit, intake, api_clients, accounts, password, complaints,
           rights)

MATRIX = PermissionMatrix([view for module in ENTRIES for view in module.VIEWS])


METHODS = ("get", "post", "put", "patch", "delete")
# PUT on a Django form view is its POST handler (with an empty form): the POST entry covers it.
DELEGATED = {ProcessFormView.put}


def url_patterns(resolver=None, namespace=""):
    """(qualified name or None, pattern) for every URL pattern, through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin: covered by the "admin:index" entry
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            module = getattr(pattern.callback, "__module__", "")
            if module.startswith(("django.views.static", "django.contrib.staticfiles")):
                continue
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, pattern


def methods(callback) -> set[str]:
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
