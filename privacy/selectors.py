"""Reads for retention and the data subject: which cases are past retention (one query,
whatever the number of cases), the holds on a case, and everything held about one person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, TypedDict, overload

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import (
    BooleanField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import User
from assessments.models import Closure, Dvna, RecoveryPlan, SurveyResponse
from audit.models import AccessLog
from cases.models import Case, Person
from contact.models import Letter
from privacy.models import AnonymisedCase, DataSubjectRequest, LegalHold, RetentionRule
from privacy.redaction import apply_redactions
from referrals.models import Referral
from volunteers.models import VolunteerAllocation

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# -- Retention -----------------------------------------------------------------------------


class YearsInterval(Func):
    """make_interval(years => n): n calendar years, so 29 February rolls as PostgreSQL rolls."""

    template = "make_interval(years => %(expressions)s)"
    output_field = DurationField()


class AgeInYears(Func):
    """EXTRACT(YEAR FROM AGE(on, born)): whole years, as `Person.age_on` counts them."""

    template = "CAST(EXTRACT(YEAR FROM AGE(%(expressions)s)) AS integer)"
    output_field = IntegerField()


class RetentionFields(TypedDict):
    """What `with_retention` annotates each case with."""

    retention_rule_id: int | None
    retention_years: int | None
    retention_from: datetime
    retain_until: datetime | None


def retention_rules() -> list[RetentionRule]:
    return list(RetentionRule.objects.order_by("priority", "pk"))


def rule_condition(rule: RetentionRule) -> Q:
    """The cases a rule covers: any of its criteria; every case when it has none."""
    parts: list[Q] = []
    if rule.routes:
        parts.append(Q(route__in=rule.routes))
    if rule.crime_types:
        parts.append(Q(crime__crime_type__in=rule.crime_types))
    if rule.markers:
        parts.append(Q(crime__markers__overlap=rule.markers))
    if rule.child_victims:
        parts.append(Q(retention_child=True))
    return reduce(or_, parts) if parts else Q(pk__isnull=False)


def with_retention(
    cases: QuerySet[Case] | None = None, rules: list[RetentionRule] | None = None
) -> QuerySet[WithAnnotations[Case, RetentionFields]]:
    """Each case with the rule that applies to it (the first that matches, in priority
    order), its period, the moment counting starts (closure, else referral) and the moment
    its retention ends, all computed in the database. A case no rule covers is kept
    (retain_until is null): the seeded catch-all rule covers every case."""
    cases = Case.objects.all() if cases is None else cases
    rules = retention_rules() if rules is None else rules
    if any(rule.child_victims for rule in rules):
        referral_day = TruncDate("referred_at", tzinfo=timezone.get_current_timezone())
        cases = cases.annotate(
            retention_age=AgeInYears(referral_day, F("person__date_of_birth"))
        ).annotate(
            retention_child=ExpressionWrapper(
                Q(retention_age__lt=18) | Q(self_referral__under_18=True),
                output_field=BooleanField(),
            )
        )
    if not rules:
        none = Value(None, output_field=IntegerField())
        return cases.annotate(
            retention_rule_id=none,
            retention_years=none,
            retention_from=Coalesce("closed_at", "referred_at"),
            retain_until=Value(None, output_field=DateTimeField()),
        )
    return cases.annotate(
        retention_rule_id=SqlCase(
            *[When(rule_condition(r), then=Value(r.pk)) for r in rules],
            default=None,
            output_field=IntegerField(),
        ),
        retention_years=SqlCase(
            *[When(rule_condition(r), then=Value(r.years)) for r in rules],
            default=None,
            output_field=IntegerField(),
        ),
        retention_from=Coalesce("closed_at", "referred_at"),
    ).annotate(
        retain_until=ExpressionWrapper(
            F("retention_from") + YearsInterval(F("retention_years")),
            output_field=DateTimeField(),
        )
    )


def hold_exists() -> Exists:
    """An active legal hold on the case, or on its person."""
    return Exists(
        LegalHold.objects.active().filter(
            Q(case_id=OuterRef("pk")) | Q(person_id=OuterRef("person_id"))
        )
    )


def past_retention(
    now: datetime | None = None, cases: QuerySet[Case] | None = None
) -> QuerySet[WithAnnotations[Case, RetentionFields]]:
    """Cases whose retention has ended and that are not yet anonymised (held or not)."""
    now = now or timezone.now()
    return with_retention(cases).filter(retain_until__lte=now, anonymisation__isnull=True)


def due_for_retention(
    now: datetime | None = None,
) -> QuerySet[WithAnnotations[Case, RetentionFields]]:
    """What the daily job anonymises: past retention, not anonymised, not under a hold."""
    return past_retention(now).filter(~hold_exists())


def held_past_retention(
    now: datetime | None = None,
) -> QuerySet[WithAnnotations[Case, RetentionFields]]:
    return past_retention(now).filter(hold_exists())


@dataclass(frozen=True)
class Retention:
    """What the case page shows about a case's retention."""

    rule: RetentionRule | None
    retain_until: datetime | None
    anonymisation: AnonymisedCase | None
    holds: list[LegalHold]

    @property
    def past(self) -> bool:
        return self.retain_until is not None and self.retain_until <= timezone.now()


def active_holds(*, case: Case | None = None, person: Person | None = None) -> list[LegalHold]:
    """Active holds on the case or on its person (or on the person and any of their cases)."""
    holds = LegalHold.objects.active().select_related("placed_by", "case")
    if case is not None:
        holds = holds.filter(Q(case=case) | Q(person_id=case.person_id))
    elif person is not None:
        holds = holds.filter(Q(person=person) | Q(case__person=person))
    return list(holds.order_by("placed_at", "pk"))


def retention_of(case: Case, *, with_rule: bool = True) -> Retention:
    """The holds, the anonymisation mark and (for managers) the rule and end of retention
    of one case: three queries at most, whatever the case holds."""
    anonymisation = AnonymisedCase.objects.filter(case=case).select_related("rule").first()
    rule = retain_until = None
    if with_rule and anonymisation is None:
        rules = retention_rules()
        row = (
            with_retention(Case.objects.filter(pk=case.pk), rules)
            .values("retention_rule_id", "retain_until")
            .first()
        )
        if row:
            rule = next((r for r in rules if r.pk == row["retention_rule_id"]), None)
            retain_until = row["retain_until"]
    return Retention(
        rule=rule,
        retain_until=retain_until,
        anonymisation=anonymisation,
        holds=active_holds(case=case),
    )


def data_requests_of(person: Person) -> QuerySet[DataSubjectRequest]:
    return person.data_requests.select_related("by").order_by("-at", "-pk")


# -- Subject access ------------------------------------------------------------------------


def person_cases(person: Person) -> list[Case]:
    """Every case of the person with everything held on it, in a fixed number of queries
    (one per kind of record) whatever the number of cases."""
    return list(
        Case.objects.filter(person=person)
        .select_related(
            "crime", "ivna", "self_referral", "anonymisation",
        )
        .prefetch_related(
            "transitions",
            "ivna_versions",
            "proposed_changes",
            Prefetch("dvnas", queryset=Dvna.objects.prefetch_related("needs")),
            "consents__service",
            Prefetch("recovery_plans", queryset=RecoveryPlan.objects.order_by("episode")
                     .prefetch_related("actions")),
            "reviews",
            Prefetch("closures", queryset=Closure.objects.order_by("episode")
                     .prefetch_related("outcomes")),
            Prefetch("survey_responses", queryset=SurveyResponse.objects.order_by("episode")),
            Prefetch("letters", queryset=Letter.objects.defer("pdf").order_by("created_at")),
            "attempts",
            "notes",
            "access_grants",
            Prefetch(
                "referrals",
                queryset=Referral.objects.defer("document").select_related("service"),
            ),
            "transfers",
            Prefetch(
                "volunteer_allocations",
                queryset=VolunteerAllocation.objects.select_related("volunteer").prefetch_related(
                    "hours"
                ),
            ),
        )
        .order_by("referred_at", "pk")
    )


class _Rows:
    """Turns model rows into plain dicts: every stored field (documents' bytes left out),
    choice labels beside their codes, and the staff named once in a `staff` map."""

    def __init__(self) -> None:
        self.user_ids: set[int] = set()

    @overload
    def row(self, obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]: ...

    @overload
    def row(
        self, obj: models.Model | None, *, exclude: tuple[str, ...] = ()
    ) -> dict[str, Any] | None: ...

    def row(
        self, obj: models.Model | None, *, exclude: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if obj is None:
            return None
        out: dict[str, Any] = {}
        for field in obj._meta.concrete_fields:
            if field.name in exclude or isinstance(field, models.BinaryField):
                continue
            if field.is_relation:
                value = getattr(obj, field.attname)
                if field.related_model is User:
                    # Staff are named in the bundle's `staff` map under this id.
                    out[f"{field.name}_user_id"] = value
                    if value:
                        self.user_ids.add(value)
                else:
                    out[field.attname] = value
                continue
            value = getattr(obj, field.name)
            out[field.name] = value
            if isinstance(field, ArrayField) and field.base_field.choices:
                labels = dict(field.base_field.flatchoices)
                out[f"{field.name}_labels"] = [str(labels.get(v, v)) for v in value]
            elif field.choices:
                out[f"{field.name}_label"] = str(dict(field.flatchoices).get(value, value))
        return out

    def rows(self, objects: Iterable[models.Model], **kwargs: Any) -> list[dict[str, Any]]:
        return [self.row(obj, **kwargs) for obj in objects]


def _one(obj: models.Model, name: str) -> models.Model | None:
    return getattr(obj, name, None)


def _bundle_case(case: Case, rows: _Rows) -> dict:
    """One case with every record on it, for the subject access bundle."""
    item = rows.row(case)
    item["reference"] = case.reference
    item["crime"] = rows.row(case.crime)
    item["ivna"] = rows.row(_one(case, "ivna"))
    item["ivna_versions"] = rows.rows(case.ivna_versions.all())
    item["changes_from_the_police"] = rows.rows(case.proposed_changes.all())
    item["self_referral"] = rows.row(_one(case, "self_referral"))
    item["timeline"] = rows.rows(case.transitions.all())
    item["dvnas"] = [
        {**rows.row(dvna), "needs": rows.rows(dvna.needs.all())} for dvna in case.dvnas.all()
    ]
    item["consents"] = [
        {**rows.row(consent), "service_name": consent.service.name}
        for consent in case.consents.all()
    ]
    # One of each per support episode (assessments.episodes), each row saying its episode.
    item["recovery_plans"] = [
        {**rows.row(plan), "actions": rows.rows(plan.actions.all())}
        for plan in case.recovery_plans.all()
    ]
    item["reviews"] = rows.rows(case.reviews.all())
    item["closures"] = [
        {**rows.row(closure), "outcomes": rows.rows(closure.outcomes.all())}
        for closure in case.closures.all()
    ]
    item["surveys"] = rows.rows(case.survey_responses.all())
    item["letters"] = rows.rows(case.letters.all())
    item["contact_attempts"] = rows.rows(case.attempts.all())
    item["contact_notes"] = rows.rows(case.notes.all())
    # Who was let into the case and why (a restricted case's named users, break-glass).
    item["access_grants"] = rows.rows(case.access_grants.all())
    item["referrals"] = [
        {**rows.row(referral), "service_name": referral.service.name}
        for referral in case.referrals.all()
    ]
    item["transfers"] = rows.rows(case.transfers.all())
    allocations = []
    for allocation in case.volunteer_allocations.all():
        rows.user_ids.add(allocation.volunteer.user_id)
        allocations.append(
            {
                **rows.row(allocation),
                "volunteer_user_id": allocation.volunteer.user_id,
                "hours": rows.rows(allocation.hours.all()),
            }
        )
    item["volunteer_allocations"] = allocations
    return item


def _bundle_access_log(person: Person, case_ids: list[int], rows: _Rows) -> list[dict]:
    """Who read this person's record: reads naming the person or one of their cases (only
    their own case ids are kept: a list page names other people's too)."""
    read_them = Q(person_ids__contains=[person.pk])
    if case_ids:
        read_them |= Q(case_ids__overlap=case_ids)
    own = set(case_ids)
    access_log = []
    for entry in AccessLog.objects.filter(read_them).order_by("at", "pk"):
        rows.user_ids.add(entry.user_id)
        access_log.append(
            {
                "at": entry.at,
                "user_id": entry.user_id,
                "action": entry.action,
                "action_label": entry.get_action_display(),
                "view_name": entry.view_name,
                "detail": entry.detail,
                "case_ids": [pk for pk in entry.case_ids if pk in own],
            }
        )
    return access_log


def subject_access_bundle(person: Person, *, redact: set[str] | None = None) -> dict:
    """Everything the hub holds about one person (UK GDPR Art. 15): the person, each of
    their cases with every record on it (restricted notes too), the requests they made, and
    who read their record (the access log). Ids of other people are never included.

    The bundle is for a manager to review before disclosure: exemptions (e.g. DPA 2018
    Sch. 2 para 2, crime and taxation; third-party data in notes) are applied by a person:
    `redact` holds the keys of the items a manager chose to redact (privacy.redaction).
    """
    rows = _Rows()
    cases = person_cases(person)
    case_ids = [case.pk for case in cases]
    bundle_cases = [_bundle_case(case, rows) for case in cases]

    access_log = _bundle_access_log(person, case_ids, rows)
    requests = rows.rows(DataSubjectRequest.objects.filter(person=person).order_by("at", "pk"))
    staff = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=rows.user_ids)
    }
    bundle = {
        # 2: a plan, closure and survey per support episode (lists), not one per case.
        "format": "victims-hub-subject-access/2",
        "generated_at": timezone.now(),
        "person": rows.row(person),
        "cases": bundle_cases,
        "data_requests": requests,
        "access_log": access_log,
        "staff": {str(pk): name for pk, name in sorted(staff.items())},
    }
    return apply_redactions(bundle, redact or set())


# -- The bundle as a readable document (the PDF) -------------------------------------------

SECTION_TITLES = {
    "crime": "The crime",
    "ivna": "Initial Victim Needs Assessment (by the police)",
    "ivna_versions": "IVNA versions, as the police sent them",
    "changes_from_the_police": "Changes from the police, and what the hub decided",
    "self_referral": "Self-referral",
    "timeline": "Timeline",
    "dvnas": "Detailed Victim Needs Assessment",
    "needs": "Needs",
    "consents": "Consent to share",
    "recovery_plans": "Recovery plan",
    "actions": "Plan action",
    "reviews": "Review",
    "closures": "Closure",
    "outcomes": "Outcome",
    "surveys": "Satisfaction survey",
    "letters": "Letter",
    "contact_attempts": "Phone call",
    "contact_notes": "Note",
    "access_grants": "Access to the case",
    "referrals": "Referral",
    "transfers": "Transfer",
    "volunteer_allocations": "Volunteer support",
    "hours": "Volunteer hours",
}
# Internal keys a reader does not need (the JSON keeps them).
HIDDEN = {"id", "version", "dedupe_key", "organisation_key", "triage_rules_version"}


LABELS = {
    "address_line1": "Address line 1",
    "address_line2": "Address line 2",
    "police_person_id": "Police person id",
    "dash_risk": "DASH risk",
    "dash_yes_count": "DASH 'yes' answers",
    "mash_referral": "Referred to the MASH",
    "ivna": "IVNA",
}


def _label(key: str) -> str:
    return LABELS.get(key) or key.removesuffix("_id").replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _fields(row: dict, staff: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) for a row's plain fields: labels over codes, staff by name, empty
    values and internal ids left out."""
    out = []
    for key, value in row.items():
        if key in HIDDEN or _is_section(value) or (key in SECTION_TITLES and value is None):
            continue
        if f"{key}_label" in row or f"{key}_labels" in row:
            continue
        if key.endswith("user_id"):
            if value is not None:
                label = _label(key.removesuffix("user_id").rstrip("_") or "by")
                out.append((label, staff.get(str(value), f"user {value}")))
            continue
        if key.endswith("_id") or key.endswith("_ids"):
            continue  # other records' ids: in the JSON, not for reading
        if value is None or value == "" or value == []:
            continue
        out.append((_label(key.removesuffix("_label").removesuffix("_labels")), _text(value)))
    return out


def _is_section(value: Any) -> bool:
    """A record under this one (a dict) or a list of them."""
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and isinstance(value[0], dict)
    )


def _parts(row: dict, staff: dict[str, str]) -> list[dict]:
    parts = []
    for key, value in row.items():
        if not _is_section(value):
            continue
        items = value if isinstance(value, list) else [value]
        for number, item in enumerate(items, start=1):
            title = SECTION_TITLES.get(key, _label(key)) + (
                f" {number}" if len(items) > 1 else ""
            )
            parts.append(
                {"title": title, "rows": _fields(item, staff), "parts": _parts(item, staff)}
            )
    return parts


def bundle_document(bundle: dict) -> dict:
    """The bundle arranged for reading: the person, each case with its records, the
    requests, and who read the record."""
    staff = bundle["staff"]
    return {
        "person": _fields(bundle["person"], staff),
        "cases": [
            {
                "title": f"Case {case['reference']}",
                "rows": _fields(case, staff),
                "parts": _parts(case, staff),
            }
            for case in bundle["cases"]
        ],
        "requests": [_fields(request, staff) for request in bundle["data_requests"]],
        "access_log": [
            {
                "at": _text(entry["at"]),
                "who": staff.get(str(entry["user_id"]), f"user {entry['user_id']}"),
                "what": entry["action_label"],
                "detail": entry["detail"],
            }
            for entry in bundle["access_log"]
        ],
    }
