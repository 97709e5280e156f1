"""Password spraying (issue 13): one address trying a few passwords against many usernames
never trips the lockout of one username from one address (django-axes, five failures), so
the hub also counts failed sign-ins per address across every username.

Rule: HUB_ADDRESS_FAILURE_LIMIT failed sign-ins from one address within the lockout's
cool-off (AXES_COOLOFF_TIME) refuse every sign-in from it, the right password too, with the
same "too many attempts" page (429) as a locked username. Colleagues elsewhere are not
affected; the address is free again once the cool-off has passed since its failures began.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone


def failures_from(address: str) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


class AddressThrottleBackend:
    """Checked after Axes and before the password: it never signs anyone in, it only
    refuses an address that has failed too often (Axes's middleware then answers with the
    lockout page, as for a locked username). It has no `get_user`, like Axes's own backend,
    so no session is ever tied to it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        address = get_client_ip_address(request)
        if address and failures_from(address) >= settings.HUB_ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True
            raise PermissionDenied("Too many failed sign-ins from this address.")
        return None
