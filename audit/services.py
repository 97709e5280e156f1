"""Recording reads of victims' records (DPA 2018 s.62 logging: consultation and disclosure)."""

from __future__ import annotations

from collections.abc import Iterable

from audit.models import AccessLog


def client_ip(request) -> str | None:
    """The client's address, read as the login lockout reads it (PROXY_COUNT aware)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record_access(
    *,
    request,
    action: str,
    case_ids: Iterable[int] = (),
    person_ids: Iterable[int] = (),
    detail: str = "",
) -> AccessLog:
    """Write one access-log row for this request's read, in the request's own transaction.

    Rule: every view of a victim's record is attributable to a user (service specification:
    confidential; DPA 2018 Part 3 logging).
    """
    match = getattr(request, "resolver_match", None)
    return AccessLog.objects.create(
        user=request.user,
        action=action,
        view_name=(match.view_name if match else "")[:100],
        case_ids=sorted(set(case_ids)),
        person_ids=sorted(set(person_ids)),
        ip_address=client_ip(request),
        detail=detail[:200],
    )
