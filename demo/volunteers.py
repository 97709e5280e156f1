"""Demo volunteers for the embedded run: a pool of 16 with a spread of languages and districts
(the area's most common first languages, Table 1 and the 2012 needs assessment), one volunteer
still in training, one whose accreditation has lapsed and one due for renewal, so the
specification check has something to show. Safe to run again.

Wired from demo/seed.py (seed_demo) by calling `ensure_demo_volunteers()` after the demo users
and cases exist.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, role_group

# username, first, last, languages, districts, hours a week, accreditation (months ago
# accredited, or None while in training), months until expiry, available, availability notes
DEMO_VOLUNTEERS = [
    ("volunteer", "Vic", "Helper", ["en"], ["fenland", "east_cambridgeshire"], 6, 10, 14,
     True, "Weekdays"),
    ("vol.agnieszka", "Agnieszka", "Nowak", ["pl", "en"], ["peterborough", "fenland"], 5, 18, 6,
     True, ""),
    ("vol.tomasz", "Tomasz", "Kowalski", ["pl", "ru", "en"], ["peterborough"], 4, 8, 16, True,
     "Evenings and Saturdays"),
    ("vol.ruta", "Ruta", "Kazlauskiene", ["lt", "ru", "en"], ["fenland", "peterborough"], 4, 12,
     12, True, ""),
    ("vol.janis", "Janis", "Berzins", ["lv", "ru", "en"], ["fenland", "huntingdonshire"], 4, 23, 1,
     True, ""),
    ("vol.ioana", "Ioana", "Popescu", ["ro", "en"], ["peterborough", "cambridge"], 6, 6, 18, True,
     ""),
    ("vol.joao", "Joao", "Silva", ["pt", "en"], ["fenland", "east_cambridgeshire"], 4, 14, 10,
     True, ""),
    ("vol.aisha", "Aisha", "Khan", ["ur", "pa", "en"], ["peterborough"], 8, 20, 4, True, ""),
    ("vol.harjit", "Harjit", "Singh", ["pa", "en"], ["peterborough", "huntingdonshire"], 4, 9, 15,
     True, ""),
    ("vol.nadia", "Nadia", "Rahman", ["bn", "en"], ["cambridge", "south_cambridgeshire"], 5, 11,
     13, True, ""),
    ("vol.omar", "Omar", "Haddad", ["ar", "ku", "en"], ["cambridge", "peterborough"], 4, 16, 8,
     True, ""),
    ("vol.margaret", "Margaret", "Ellis", ["en"], ["huntingdonshire", "south_cambridgeshire"], 10,
     30, 6, False, "Away until the end of the month"),
    ("vol.david", "David", "Okafor", ["en"], ["cambridge"], 3, 7, 17, True,
     "Offers 3 hours while studying"),
    ("vol.sarah", "Sarah", "Whitfield", ["en"], ["east_cambridgeshire", "south_cambridgeshire"],
     4, 25, -1, True, ""),
    ("vol.mehmet", "Mehmet", "Yilmaz", ["tr", "bg", "en"], ["peterborough", "fenland"], 4, 15, 9,
     True, ""),
    ("vol.li", "Li", "Wei", ["zh", "en"], ["cambridge", "south_cambridgeshire"], 4, None, None,
     True, "Accreditation assessment next month"),
]


def _months(n: int) -> timedelta:
    return timedelta(days=round(30.4 * n))


@transaction.atomic
def ensure_demo_volunteers(*, password: str | None = None) -> int:
    """Create the demo volunteers (and their logins) that are missing; give the demo login
    `volunteer` a victim to visit when the demo cases exist. Returns how many profiles were
    created."""
    from demo.seed import DEMO_PASSWORD
    from volunteers.models import Volunteer

    password = password or DEMO_PASSWORD
    today = timezone.localdate()
    group = role_group(Role.VOLUNTEER)
    created = 0
    for (username, first, last, languages, districts, hours, accredited_ago, expires_in,
         available, notes) in DEMO_VOLUNTEERS:
        user, new_user = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if new_user:
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(group)
        accredited_on = today - _months(accredited_ago) if accredited_ago is not None else None
        trained_on = accredited_on - timedelta(days=21) if accredited_on else today - _months(1)
        _, new_profile = Volunteer.objects.get_or_create(
            user=user,
            defaults={
                "languages": languages,
                "districts": districts,
                "hours_per_week": Decimal(hours),
                "trained_on": trained_on,
                "accredited_on": accredited_on,
                "accreditation_expires_on": today + _months(expires_in)
                if accredited_on is not None
                else None,
                "available": available,
                "availability_notes": notes,
            },
        )
        created += int(new_profile)
    _allocate_demo_visit()
    return created


def _allocate_demo_visit() -> None:
    """The demo volunteer (Fenland, English) supports the demo victim Ann Example (Fenland),
    allocated as a VCC allocates one (volunteers.services.allocate_volunteer)."""
    from cases.models import Case
    from volunteers.models import Volunteer, VolunteerAllocation
    from volunteers.services import allocate_volunteer

    case = (
        Case.objects.filter(crime__reference="CF/10001/25", person__first_name="Ann")
        .order_by("pk")
        .first()
    )
    allocator = User.objects.filter(username="vcc").first()
    if case is None or allocator is None or not case.is_open:
        return
    if VolunteerAllocation.objects.filter(case=case, active=True).exists():
        return
    allocate_volunteer(
        case=case, volunteer=Volunteer.objects.get(user__username="volunteer"), by=allocator
    )
