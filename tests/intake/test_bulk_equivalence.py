"""intake.bulk.record_ivnas (the IVNA batch, issue 17) has exactly the outcome of
intake.services.record_ivna item by item: the same batch, of every kind of IVNA and every kind
of item that is not new, is taken in once through the bulk service and once item by item
(each run rolled back), and every row of every table (the history tables, the Victims' Code
rows, the letters and the scheduled work included) is compared, with ids, case references
and the moment of the run put aside."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_api_client
from cases.models import Case, Crime, Person
from contact.models import Letter
from core.errors import DomainError
from intake.api.serializers import IvnaSerializer
from intake.bulk import record_ivnas
from intake.models import Ivna, IvnaVersion, SubmittedVia
from intake.services import IntakeResult, IvnaSubmission, record_ivna
from rights.models import Entitlement
from scheduling.models import ScheduledItem
from tests.factories import _DELETE, ivna_payload, user_with_role

pytestmark = pytest.mark.django_db


def submission(n: int, **overrides) -> IvnaSubmission:
    body = ivna_payload(**{
        "crime__reference": f"CF/{30000 + n}/25", "victim__police_person_id": f"B-{n:06d}",
        "victim__first_name": f"Name{n}", **overrides,
    })
    serializer = IvnaSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    return serializer.to_submission()


def without_police_id(sub: IvnaSubmission) -> IvnaSubmission:
    """The service takes a victim with no police person id (the API always gives one)."""
    return replace(sub, victim=replace(sub.victim, police_person_id=""))


def child() -> str:
    return (timezone.localdate() - timedelta(days=365 * 10)).isoformat()


def the_batch() -> list[IvnaSubmission]:
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    letter_only = {"assessment__needs_support": False, "assessment__priority_categories": [],
                   "assessment__dash_risk": _DELETE, "crime__markers": [],
                   "crime__crime_type": "theft_and_handling"}
    return [
        submission(1),  # hub contact, phoned
        submission(2, **letter_only),  # letter only: closes by itself
        submission(3, assessment__mash_referral=True),  # MASH: high risk
        submission(4, assessment__dash_risk="high"),  # high risk by DASH
        submission(5, assessment__consent_to_contact=False),  # declined at the IVNA
        submission(6, assessment__consent_to_contact=_DELETE),  # not asked: declined
        submission(7, assessment__safe_to_write=False),  # phoned, no letter
        submission(8, assessment__safe_to_write=_DELETE, **letter_only),  # unknown: no letter
        submission(9, victim__date_of_birth=child(), **letter_only),  # a child: enhanced
        submission(10, victim__first_language="pl", victim__interpreter_needed=True),
        submission(11, victim__first_language="xh"),  # no letters in that language
        submission(12, victim__phone=""),  # invited by letter to call
        submission(13, victim__phone="", victim__email="",
                   victim__address={"town": "Ely"}),  # nothing: a manager decides
        submission(14, assessment__supported_elsewhere=True),  # supported elsewhere
        without_police_id(submission(15)),  # no police person id
        without_police_id(submission(16, **letter_only)),
        submission(100),  # a retry of a case already received: nothing written
        submission(101, assessment__notes="Moved in with her sister."),  # an amendment
        submission(102, crime__reference="CF/39102/25"),  # a known person, a new crime
        submission(103, victim__police_person_id="B-NEW103"),  # a known crime, a new victim
        submission(17),  # repeated in the batch: the second is a retry
        submission(18, crime__offence_date=future),  # a date error: refused alone
        submission(17),
        submission(19),  # a second victim of a crime repeated in the batch
        submission(19, victim__police_person_id="B-019B", crime__markers=["hate_crime"]),
        submission(20),  # one person named twice with two crimes
        submission(20, crime__reference="CF/39020/25", **letter_only),
        submission(21, crime__offence_date=future, victim__date_of_birth=future),
    ]


@pytest.fixture
def known(db):
    """What the hub holds already: the cases of the retry, the amendment, the known person
    and the known crime, taken in one by one."""
    officer = user_with_role(Role.POLICE)
    client, _ = create_api_client(name="crime-system-bulk", role=Role.POLICE)
    for n in (100, 101, 102, 103):
        record_ivna(submission=submission(n), by=officer, via=SubmittedVia.API,
                    api_client=client)
    return officer, client


def one_by_one(batch, *, by, api_client) -> list[IntakeResult | DomainError]:
    outcomes: list[IntakeResult | DomainError] = []
    for sub in batch:
        try:
            outcomes.append(record_ivna(submission=sub, by=by, via=SubmittedVia.API,
                                        api_client=api_client))
        except DomainError as error:
            outcomes.append(error)
    return outcomes


def test_a_batch_in_bulk_writes_exactly_what_the_items_one_by_one_write(known, monkeypatch):
    officer, client = known
    start, batch = timezone.now(), the_batch()
    one_at_a_time: list[str] = []

    def spied(*, submission, **kwargs):
        one_at_a_time.append(submission.crime.reference)
        return record_ivna(submission=submission, **kwargs)

    monkeypatch.setattr("intake.bulk.record_ivna", spied)
    with transaction.atomic():
        bulk = record_ivnas(batch, by=officer, via=SubmittedVia.API, api_client=client)
        bulk_rows, bulk_answers = everything(start), answers(bulk)
        transaction.set_rollback(True)
    with transaction.atomic():
        single = one_by_one(batch, by=officer, api_client=client)
        single_rows, single_answers = everything(start), answers(single)
        transaction.set_rollback(True)

    assert bulk_answers == single_answers
    # Only what is not new went one at a time (the date errors were refused before).
    assert one_at_a_time == [f"CF/{r}/25" for r in (
        30100, 30101, 39102, 30103, 30017, 30017, 30019, 30019, 30020, 39020)]
    assert bulk_answers[16:24] == [
        ("200", "B-000100", False), ("200", "B-000101", True), ("201", "B-000102", False),
        ("201", "B-NEW103", False), ("201", "B-000017", False),
        ("400", "offence_date,reported_at", None),
        ("200", "B-000017", False), ("201", "B-000019", False),
    ]
    assert [a[0] for a in bulk_answers[:16]] == ["201"] * 16
    assert bulk_answers[-1][0] == "400"
    assert set(bulk_rows) == set(single_rows)
    for table in bulk_rows:
        only_bulk = set(bulk_rows[table]) - set(single_rows[table])
        only_single = set(single_rows[table]) - set(bulk_rows[table])
        assert (table, only_bulk, only_single) == (table, set(), set())
        assert bulk_rows[table] == single_rows[table], table
    # The batch wrote what it should: a new case, IVNA and first version per new item...
    assert len(bulk_rows["cases.Case"]) == 4 + 16 + 7
    assert len(bulk_rows["intake.IvnaVersion"]) == 4 + 16 + 7 + 1  # and the amendment
    # ...and its history rows are the single path's: who, by which client, which way in.
    events = bulk_rows["cases.CaseEvent"]
    assert any("crime-system-bulk" in str(row) for row in events)


def answers(outcomes) -> list[tuple]:
    """What each item's answer says, ids put aside."""
    said: list[tuple] = []
    for outcome in outcomes:
        if isinstance(outcome, DomainError):
            fields = sorted(name.split(".")[-1] for name in (outcome.fields or {}))
            said.append(("400", ",".join(fields), None))
        else:
            said.append(("201" if outcome.created else "200",
                         outcome.case.person.police_person_id or outcome.case.person.first_name,
                         outcome.amended))
    return said


# -- Every row of every table, comparable between two runs -----------------------------------

REFERENCE = re.compile(r"VH-[0-9A-Z]{4}-[0-9A-Z]{4}")


def everything(start: datetime) -> dict[str, list[str]]:
    """Every row of every table, as sorted text: ids replaced by what the row is about, the
    moment of the run (anything from `start` on) by "now", case references by "VH-…"."""
    labels = _labels()
    contexts = {str(c.pk): c.metadata for c in apps.get_model("pghistory", "Context").objects.all()}
    tables: dict[str, list[str]] = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy or model._meta.label in SKIP:
            continue
        rows = []
        for row in model.objects.all():
            rows.append(repr(sorted(_row(model, row, labels, contexts, start).items())))
        tables[model._meta.label] = sorted(rows)
    return tables


# Tables the runs touch differently by design: one history context per IVNA one by one, one
# for the batch's bulk statements (each history row's context is compared, by its metadata).
SKIP = {"pghistory.Context", "sessions.Session"}


def _labels() -> dict[type, dict[Any, str]]:
    people = {p.pk: f"person:{p.police_person_id or p.first_name}" for p in Person.objects.all()}
    crimes = {c.pk: f"crime:{c.reference}" for c in Crime.objects.all()}
    cases = {c.pk: f"case:{crimes.get(c.crime_id)}:{people[c.person_id]}"
             for c in Case.objects.all()}
    return {
        Person: people,
        Crime: crimes,
        Case: cases,
        Ivna: {i.pk: f"ivna:{cases[i.case_id]}" for i in Ivna.objects.all()},
        IvnaVersion: {v.pk: f"version:{cases[v.case_id]}:{v.number}"
                      for v in IvnaVersion.objects.all()},
        Letter: {x.pk: f"letter:{cases[x.case_id]}:{x.kind}" for x in Letter.objects.all()},
        Entitlement: {e.pk: f"right:{cases[e.case_id]}:{e.right}"
                      for e in Entitlement.objects.all()},
    }


def _row(model, row, labels, contexts, start) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        value = getattr(row, field.attname)
        if field.primary_key:
            continue
        tracked = getattr(model, "pgh_tracked_model", None)
        if tracked is not None and field.name == tracked._meta.pk.name:
            value = labels.get(tracked, {}).get(value, "id")  # the tracked row's id
        elif value is not None and isinstance(field, models.ForeignKey):
            target = field.related_model
            if field.name == "pgh_context":
                value = contexts.get(str(value))
            elif target in labels or (target := _tracked(target)) in labels:
                value = labels[target].get(value, f"gone:{value}")
        out[field.name] = _plain(value, start)
    if model is ScheduledItem:
        out["target_id"] = labels[Letter].get(row.target_id, row.target_id)
        out["dedupe_key"] = _dedupe(row, labels)
    return out


def _tracked(model):
    return getattr(model, "pgh_tracked_model", model)


def _dedupe(item: ScheduledItem, labels) -> str | None:
    if not item.dedupe_key:
        return item.dedupe_key
    kind, number, *rest = item.dedupe_key.split(":")
    if kind == "letter":
        return f"letter:{labels[Letter][int(number)]}"
    if kind == "police_changes" and rest and rest[0].isdigit():
        rest = [labels[IvnaVersion][int(rest[0])]]
    return ":".join([kind, labels[Case].get(int(number), number), *rest])


def _plain(value: Any, start: datetime) -> Any:
    if isinstance(value, datetime):
        return "now" if value >= start - timedelta(seconds=1) and (
            value <= timezone.now() + timedelta(seconds=1)) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return "uuid"
    if isinstance(value, str):
        return REFERENCE.sub("VH-…", value)
    if isinstance(value, dict | list):
        return REFERENCE.sub("VH-…", repr(value))
    return value
