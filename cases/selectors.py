"""Reads of cases that several views share. Every list a user can reach starts here."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import Upper

from accounts.models import User
from cases.models import Case, Crime, Person
from core.phones import to_e164
from core.references import REFERENCE_ALPHABET

# A repeat victim: another case of the person in the 12 months before this one (issue 11).
REPEAT_WINDOW_DAYS = 365


# A UK postcode, spaces ignored (e.g. CB1 2AB, PE13 1AA, SW1A 1AA).
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}")
# A phone number as typed: digits, spaces, brackets, dashes and a leading plus.
PHONE = re.compile(r"\+?[0-9 ()\-]{6,}")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_GROUP = f"([{REFERENCE_ALPHABET}]{{4}})"
# With "VH" the separators are optional; without it, the two groups must be apart (eight
# letters alone may be a name: "MARGARET").
_REFERENCE = re.compile(rf"VH[\s\-]*{_GROUP}[\s\-]*{_GROUP}|{_GROUP}[\s\-]+{_GROUP}")


def normalise_postcode(value: str) -> str:
    """A postcode as it is compared: capitals, no spaces ("cb1 2ab" is "CB12AB")."""
    return "".join(value.split()).upper()


def case_reference_in(term: str) -> str | None:
    """The case reference a term is, however typed: VH-7K3M-Q9XD, vh7k3mq9xd, "7K3M Q9XD"."""
    match = _REFERENCE.fullmatch(term.strip().upper())
    if not match:
        return None
    first, second = [g for g in match.groups() if g]
    return f"VH-{first}-{second}"


def _regexp_replace(expression: Any, pattern: str, replacement: str) -> Func:
    return Func(expression, Value(pattern), Value(replacement), Value("g"),
                function="REGEXP_REPLACE")


def date_in(term: str) -> date | None:
    """A date of birth as typed: 21/03/1980 or 1980-03-21."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(term, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def search_cases(cases: QuerySet[Case], term: str) -> QuerySet[Case]:
    """Cases found by what a caller quotes or a VCC knows: the case's own reference (however
    typed), the crime reference, the victim's name (first, last or both; trigram indexes keep
    it quick), phone number (+44 or 0, spaces ignored), postcode (spaces and case ignored) or
    date of birth (dd/mm/yyyy or yyyy-mm-dd)."""
    term = " ".join(term.split())
    if not term:
        return cases
    reference = case_reference_in(term)
    if reference:
        # The reference letters quote and a self-referral was shown: exact.
        return cases.filter(reference=reference)
    born = date_in(term)
    if born:
        return cases.filter(person__date_of_birth=born)
    postcode = normalise_postcode(term)
    if POSTCODE.fullmatch(postcode):
        return cases.annotate(
            _postcode=Upper(_regexp_replace(F("person__postcode"), r"\s+", ""))
        ).filter(_postcode=postcode)
    # The crimes and the people that match, each found on its own table by its indexes (the
    # trigram indexes on the crime reference and the names), then their cases. Written as one
    # OR across the joined tables, PostgreSQL read every person and every crime to test it:
    # 0.6 s a search at 300,000 cases (tests/cases/test_search_plan.py).
    crimes = Crime.objects.filter(reference__icontains=term)
    if PHONE.fullmatch(term):
        # Stored in E.164 (core/phones.py), so "07700 900123" and "+44 7700 900123" are one.
        phone = to_e164(term)
        people = Person.objects.filter(phone=phone) if phone else Person.objects.none()
    else:
        named = Q(last_name__icontains=term) | Q(first_name__icontains=term)
        parts = term.split(" ")
        if len(parts) >= 2:
            named |= Q(first_name__icontains=parts[0],
                       last_name__icontains=" ".join(parts[1:]))
        people = Person.objects.filter(named)
    return cases.filter(Q(crime__in=crimes.values("pk")) | Q(person__in=people.values("pk")))


def case_list_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a list row shows, fetched in the same query."""
    return cases.select_related("person", "crime", "allocated_to").order_by("-referred_at", "-pk")


def caseworkers() -> QuerySet[User]:
    """Active staff who can hold cases (VCCs and managers)."""
    return (
        User.objects.filter(is_active=True, is_api_client=False)
        .filter(
            Q(groups__permissions__codename="work_case")
            | Q(user_permissions__codename="work_case")
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def earlier_cases(case: Case) -> QuerySet[Case]:
    """The person's other cases referred in the 12 months up to this case's referral,
    whatever their status (open, closed, restricted): what makes a repeat victim. One
    query; the case page counts it once, lists show the stored flag (Case.repeat_victim)."""
    since = case.referred_at - timedelta(days=REPEAT_WINDOW_DAYS)
    return Case.objects.filter(
        person_id=case.person_id, referred_at__gte=since, referred_at__lte=case.referred_at
    ).exclude(pk=case.pk)


def has_restricted_case(person: Person) -> bool:
    """Whether any case of the person is restricted (a new case of theirs starts so)."""
    return Case.objects.filter(person=person, restricted=True).exists()
