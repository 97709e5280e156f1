"""Reads of the service directory."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from directory.models import SupportService


def directory(
    *, include_inactive: bool = False, specialism: str = "", district: str = "", q: str = ""
) -> QuerySet[SupportService]:
    """The service directory, in one query: active services unless asked otherwise; a
    district filter keeps the services that cover the whole area too."""
    services = SupportService.objects.all()
    if not include_inactive:
        services = services.filter(active=True)
    if specialism:
        services = services.filter(specialisms__contains=[specialism])
    if district:
        services = services.filter(Q(districts__contains=[district]) | Q(districts=[]))
    q = " ".join(q.split())
    if q:
        services = services.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return services.order_by("-active", "name")
