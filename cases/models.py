from __future__ import annotations

from datetime import date

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Trim, Upper
from django.utils import timezone

from cases.choices import (
    NON_CRIME_INCIDENTS,
    CaseSource,
    ContactBand,
    CrimeType,
    Ethnicity,
    Gender,
    Marker,
    Route,
    age_band,
)
from cases.workflow import CaseStatus
from core.choices import District
from core.references import new_reference


def normalised_name(field: str) -> Upper:
    """A name as possible matches compare it (cases.people.normalise_name, in the database):
    case, and surrounding or repeated spaces, ignored. `person_last_norm` indexes it, so the
    case page's possible matches are found by the index, not by reading every person."""
    return Upper(Trim(models.Func(models.F(field), models.Value(r"\s+"), models.Value(" "),
                                  models.Value("g"), function="REGEXP_REPLACE")))


@pghistory.track()
class Person(models.Model):
    """A victim (or a family member, guardian or carer who is supported as a victim).

    Business victims are not persons and are not recorded here. A person is matched by the
    police person id when the crime system gives one, so repeat victims have one record;
    other records of the same victim are offered as possible matches and merged by a VCC or
    manager (cases.people).
    """

    police_person_id = models.CharField(max_length=50, unique=True, null=True, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    ethnicity = models.CharField(
        max_length=30, choices=Ethnicity.choices, default=Ethnicity.UNKNOWN
    )
    nationality = models.CharField(max_length=60, blank=True)
    first_language = models.CharField(max_length=10, default="en", help_text="ISO 639-1 code")
    interpreter_needed = models.BooleanField(default=False)

    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    district = models.CharField(max_length=30, choices=District.choices, blank=True)
    deprivation_quintile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 = most deprived, 5 = least deprived"
    )

    # Safe contact: how the hub may reach this person without putting them at risk.
    safe_to_call = models.BooleanField(default=True)
    safe_to_write = models.BooleanField(default=True)
    may_leave_message = models.BooleanField(default=False)
    safe_contact_bands = ArrayField(
        models.CharField(max_length=10, choices=ContactBand.choices),
        default=list,
        blank=True,
        help_text="Parts of the day when it is safe to call; empty means any.",
    )
    safe_contact_notes = models.TextField(blank=True)
    unsafe_numbers = ArrayField(
        models.CharField(max_length=30),
        default=list,
        blank=True,
        help_text="Numbers the victim said must never be called (e.g. a shared phone).",
    )

    # Set when a VCC or manager merged this record into another (cases.people.merge_people):
    # kept, not deleted, so the merge can be undone; hidden from possible matches and lists.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_people"
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_trgm"),
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_trgm"),
            # The header search finds a caller by their number (stored in E.164).
            models.Index(fields=["phone"], name="person_phone"),
            models.Index(normalised_name("last_name"), name="person_last_norm"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def first_language_label(self) -> str:
        from cases.choices import LANGUAGES

        return dict(LANGUAGES).get(self.first_language, self.first_language)

    def age_on(self, on: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def age_band(self) -> str:
        return age_band(self.age)


@pghistory.track()
class Crime(models.Model):
    """A crime or non-crime incident as recorded by the police."""

    reference = models.CharField(max_length=50, unique=True)
    crime_type = models.CharField(max_length=40, choices=CrimeType.choices)
    offence_date = models.DateField()
    reported_at = models.DateTimeField()
    markers = ArrayField(
        models.CharField(max_length=40, choices=Marker.choices), default=list, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            GinIndex(OpClass(Upper("reference"), name="gin_trgm_ops"), name="crime_ref_trgm"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_incident(self) -> bool:
        return self.crime_type in NON_CRIME_INCIDENTS

    @property
    def marker_labels(self) -> list[str]:
        return [Marker(m).label for m in self.markers if m in Marker.values]


@pghistory.track()
class Case(models.Model):
    """One person's referral to the hub for one crime or incident (or a self-referral)."""

    # The reference people quote and letters carry (e.g. VH-7K3M-Q9XD): random, so it says
    # nothing of how many victims the hub has (issue 13); open_case makes sure it is unused.
    reference = models.CharField(
        max_length=14, unique=True, default=new_reference, editable=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    crime = models.ForeignKey(
        Crime, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(max_length=20, choices=CaseSource.choices)
    route = models.CharField(max_length=20, choices=Route.choices)
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    enhanced_entitlement = models.BooleanField(
        default=False, help_text="Victims' Code enhanced entitlement (priority category)."
    )
    supported_elsewhere = models.BooleanField(default=False)
    referred_at = models.DateTimeField(default=timezone.now, db_index=True)
    contact_due_at = models.DateTimeField(
        null=True, blank=True, help_text="Victims' Code: first contact due by."
    )
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_cases",
    )
    restricted = models.BooleanField(default=False)
    no_letter_reason = models.CharField(
        max_length=200, blank=True, help_text="Why no introductory letter was sent."
    )
    contact_outcome = models.CharField(
        max_length=20,
        blank=True,
        help_text="Outcome once contacted: declined, signposted or accepted (or no_contact).",
    )
    outcome_detail = models.TextField(
        blank=True, help_text="The reason for declining, or what the victim was signposted to."
    )
    responded_to_letter = models.BooleanField(default=False)
    declined_contact_at_ivna = models.BooleanField(
        default=False,
        help_text="The victim did not agree to be contacted by the hub at the IVNA (or the "
        "answer was not given): the hub does not phone or write to them.",
    )
    repeat_victim = models.BooleanField(
        default=False,
        help_text="The person had another case, whatever its status, referred in the 12 months "
        "before this one (cases.selectors.earlier_cases).",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Crime systems retry: one case per person per crime.
            models.UniqueConstraint(
                fields=["crime", "person"],
                condition=models.Q(crime__isnull=False),
                name="one_case_per_person_per_crime",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "referred_at"]),
            models.Index(fields=["route", "referred_at"]),
            # The Victims' Code deadlines falling in a window (the operators' "missed today",
            # casework/metrics.py, on every scrape): a range scan, not the whole table.
            models.Index(
                fields=["contact_due_at"],
                condition=models.Q(contact_due_at__isnull=False),
                name="case_contact_due_idx",
            ),
        ]
        permissions = [
            ("view_casework", "Can list and open hub cases"),
            ("work_case", "Can work hub cases"),
            ("allocate_case", "Can allocate and reallocate cases"),
            ("view_case_audit", "Can see a case's audit history"),
            ("view_performance", "Can see aggregate performance figures"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        from cases.workflow import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class CaseTransition(models.Model):
    """A row for every move of a case between statuses: who, when, from, to and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        triggers = [
            # The timeline is evidence: the database refuses to rewrite or remove it.
            pgtrigger.Protect(
                name="case_transition_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status or '-'} -> {self.to_status}"


class PersonMerge(models.Model):
    """Two person records found to be one victim: who merged them, when and why, the cases
    moved, the case flags changed and both records as they were (cases.people.merge_people),
    and the undo, if any (cases.people.undo_merge)."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    moved_case_ids = ArrayField(models.IntegerField(), default=list)
    taken_fields = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    # {case id: {flag: value before the merge}} for each flag the merge changed.
    case_flags_before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    kept_before = models.JSONField(encoder=DjangoJSONEncoder)
    merged_before = models.JSONField(encoder=DjangoJSONEncoder)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Person {self.merged_id} merged into {self.kept_id}"
