"""The demo year's Victims' Code evidence in bulk (demo.year.rights with rights.bulk) leaves
the same rights rows, and the same audit history of them, as the same story told to
rights.services one case at a time (the way it was written before): entitlements, justice
events and their pghistory events, compared with ids as offsets and the moments a service
stamps (recorded, updated, the event's own time) left out.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from pghistory.models import Context

from cases.models import Case
from demo.year import engine, generate
from demo.year import rights as demo_rights
from demo.year.rows import use_context
from rights.backfill import backfill_case
from rights.models import Entitlement, EvidenceStatus, JusticeEvent
from rights.services import (
    record_evidence,
    record_hub_evidence,
    record_justice_event,
    sync_entitlements,
)

pytestmark = pytest.mark.django_db

YEAR = 2024
SEED = 11
VICTIMS = 250


class PerCase:
    """The story's calls, made to the services for one case (what the bulk path replaced)."""

    def __init__(self, case: Case):
        self.case = case

    def backfill_case(self) -> None:
        backfill_case(self.case)

    def sync_entitlements(self):
        return sync_entitlements(self.case)

    def record_justice_event(self, stage, day, **kwargs):
        return record_justice_event(self.case, stage, day, **kwargs)

    def record_evidence(self, right, **kwargs):
        return record_evidence(self.case, right, **kwargs)

    def record_hub_evidence(self, right, **kwargs):
        return record_hub_evidence(self.case, right, **kwargs)


def add_rights_evidence_per_case(*, seed, year, as_of, context) -> int:
    rng, officer, today = demo_rights.rights_run(seed=seed, year=year, as_of=as_of)
    case_ids = demo_rights.cases_without_rights()
    cases = Case.objects.filter(pk__in=case_ids).select_related("person").order_by("pk")
    with transaction.atomic():
        use_context(context)
        for case in cases:
            demo_rights.case_story(PerCase(case), case, officer=officer, today=today,
                                   as_of=as_of, rng=rng)
    return len(case_ids)


STAMPS = {"recorded_at", "updated_at", "pgh_created_at", "pgh_id"}


def _rows(model, *, case0: int, first: int, obj: str = "id") -> list[tuple]:
    """Every row of `model` in id order (events: by object, then in the order written), ids
    as offsets from the first case and the first row, the users by name, no stamps."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in STAMPS]
    out = []
    for row in model.objects.order_by(obj, "pk").values(*fields, "recorded_at"):
        row["case_id"] -= case0
        row["id"] -= first
        if "pgh_obj_id" in row:
            row["pgh_obj_id"] -= first
        row["recorded_at"] = row["recorded_at"] is not None  # stamped when, not whether
        out.append(tuple(sorted(row.items())))
    return out


def rights_made() -> dict:
    case0 = Case.objects.order_by("pk").values_list("pk", flat=True).first()
    entitlement0 = Entitlement.objects.order_by("pk").values_list("pk", flat=True).first()
    event0 = JusticeEvent.objects.order_by("pk").values_list("pk", flat=True).first()
    users = dict(
        Entitlement.objects.filter(recorded_by__isnull=False)
        .values_list("recorded_by_id", "recorded_by__username").distinct()
    )
    made = {
        "entitlements": _rows(Entitlement, case0=case0, first=entitlement0),
        "entitlement_history": _rows(Entitlement.pgh_event_model, case0=case0,
                                     first=entitlement0, obj="pgh_obj_id"),
        "justice": _rows(JusticeEvent, case0=case0, first=event0),
        "justice_history": _rows(JusticeEvent.pgh_event_model, case0=case0, first=event0,
                                 obj="pgh_obj_id"),
        "recorded_by": sorted(users.values()),
        "contexts": list(Context.objects.values_list("id", "metadata")),
    }
    # The users are made by each run: compare them by name.
    for key in made:
        made[key] = [
            tuple((k, users.get(v, v) if k.endswith("recorded_by_id") else v) for k, v in row)
            if isinstance(row, tuple) and row and isinstance(row[0], tuple) else row
            for row in made[key]
        ]
    return made


def generated() -> dict:
    with transaction.atomic():
        generate(victims=VICTIMS, year=YEAR, seed=SEED)
        made = rights_made()
        transaction.set_rollback(True)
    return made


def test_the_bulk_path_leaves_the_rows_and_history_the_services_leave(monkeypatch):
    bulk = generated()
    monkeypatch.setattr(engine, "add_rights_evidence", add_rights_evidence_per_case)
    per_case = generated()

    # Enough of everything for the comparison to mean something.
    statuses = {dict(row)["status"] for row in bulk["entitlements"]}
    assert {EvidenceStatus.MET, EvidenceStatus.DUE, EvidenceStatus.DECLINED,
            EvidenceStatus.MISSED, EvidenceStatus.NOT_APPLICABLE} <= statuses
    labels = [dict(row)["pgh_label"] for row in bulk["entitlement_history"]]
    assert labels.count("update") > VICTIMS and labels.count("insert") > 6 * VICTIMS
    assert len(bulk["justice"]) > VICTIMS / 4 and bulk["recorded_by"]
    assert all(dict(row)["pgh_context_id"] for row in bulk["entitlement_history"])

    for key in bulk:
        assert len(bulk[key]) == len(per_case[key]), key
        for one, other in zip(bulk[key], per_case[key], strict=True):
            assert one == other, key
