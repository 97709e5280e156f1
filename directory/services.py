"""Changes to the service directory: hub managers only (DOMAIN.md "Who uses it")."""

from __future__ import annotations

import pghistory
from django.db import transaction

from accounts.models import User
from core.errors import DomainError
from directory.models import SupportService


@transaction.atomic
def save_service(*, service: SupportService, by: User) -> SupportService:
    """Add a service to the directory or change one (hub managers: the directory is theirs,
    DOMAIN.md "Who uses it"). The history of every change is kept (pghistory)."""
    if not by.has_perm("directory.manage_directory"):
        raise DomainError("Only a hub manager can change the service directory.")
    with pghistory.context(user=by.pk):
        service.specialisms = sorted(set(service.specialisms))
        service.districts = sorted(set(service.districts))
        service.save()
    return service


@transaction.atomic
def set_service_active(*, service: SupportService, active: bool, by: User) -> SupportService:
    """Deactivate a service (no new referrals to it; its referrals stay) or bring it back."""
    if not by.has_perm("directory.manage_directory"):
        raise DomainError("Only a hub manager can change the service directory.")
    locked = SupportService.objects.select_for_update().get(pk=service.pk)
    if locked.active != active:
        with pghistory.context(user=by.pk):
            locked.active = active
            locked.save(update_fields=["active"])
    service.active = active
    return service
