"""The police API's bodies for a case's rights and justice process (issue 15)."""

from __future__ import annotations

from rest_framework import serializers

from core.serializers import StrictSerializer
from rights.models import (
    Deliverer,
    Entitlement,
    EvidenceSource,
    EvidenceStatus,
    JusticeEvent,
    JusticeStage,
)
from rights.rules import rule_for
from rights.services import RECORDABLE


class EvidenceSerializer(StrictSerializer):
    """`POST /api/v1/cases/{case_id}/rights/{right}/`: what happened to a right."""

    status = serializers.ChoiceField(
        choices=[(s, EvidenceStatus(s).label) for s in RECORDABLE],
        help_text="met, declined (by the victim), missed (say why in `reason`) or "
        "not_applicable (say why in `reason`).",
    )
    at = serializers.DateTimeField(
        required=False,
        help_text="When it was met (or declined, or missed), ISO 8601; now if left out. "
        "Never in the future.",
    )
    how = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default="",
        help_text="How the right was met (required when `status` is met).",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default="",
        help_text="Why it was missed or does not apply (required for missed and "
        "not_applicable).",
    )


class JusticeEventInSerializer(StrictSerializer):
    """`POST /api/v1/cases/{case_id}/justice-events/`: a step of the justice process."""

    stage = serializers.ChoiceField(
        choices=JusticeStage.choices, help_text="The step of the justice process."
    )
    occurred_on = serializers.DateField(
        help_text="The date of the step (YYYY-MM-DD), not in the future."
    )
    detail = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default="",
        help_text="Anything the victim's supporters should know (a court, a hearing).",
    )


class EntitlementSerializer(serializers.Serializer):
    right = serializers.IntegerField(help_text="The right's number in the Victims' Code (1-12).")
    title = serializers.CharField(help_text="The right, in the Code's words.")
    delivered_by = serializers.ChoiceField(
        choices=Deliverer.choices, help_text="Who delivers the right."
    )
    status = serializers.ChoiceField(
        choices=EvidenceStatus.choices, help_text="due: not yet recorded; or the evidence."
    )
    applies_from = serializers.DateTimeField(help_text="When the right started to apply.")
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="The Code's time limit; null where it sets none."
    )
    overdue = serializers.BooleanField(help_text="Due, not recorded, past its time limit.")
    met_at = serializers.DateTimeField(allow_null=True, help_text="When it was met.")
    how = serializers.CharField(allow_blank=True, help_text="How it was met.")
    reason = serializers.CharField(
        allow_blank=True, help_text="Why it was missed or does not apply."
    )
    source = serializers.ChoiceField(
        choices=[("", "Not recorded"), *EvidenceSource.choices], allow_blank=True,
        help_text="Who recorded the evidence: hub (its own records), staff, police_api.",
    )


class JusticeEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The step's id in the hub.")
    stage = serializers.ChoiceField(choices=JusticeStage.choices, help_text="The step.")
    occurred_on = serializers.DateField(help_text="The date of the step.")
    detail = serializers.CharField(allow_blank=True, help_text="Detail given with it.")
    source = serializers.ChoiceField(
        choices=EvidenceSource.choices, help_text="Who recorded it: staff or police_api."
    )


class CaseRightsSerializer(serializers.Serializer):
    case_id = serializers.IntegerField(help_text="The hub's case id (from the IVNA's answer).")
    rights = EntitlementSerializer(many=True, help_text="The rights that apply, by number.")
    justice_events = JusticeEventSerializer(
        many=True, help_text="The justice process so far, oldest first."
    )


def entitlement_body(row: Entitlement) -> dict:
    rule = rule_for(row.right)
    return {
        "right": row.right,
        "title": rule.right.label,
        "delivered_by": rule.delivered_by.value,
        "status": row.status,
        "applies_from": row.applies_from,
        "due_at": row.due_at,
        "overdue": row.overdue,
        "met_at": row.met_at,
        "how": row.how,
        "reason": row.reason,
        "source": row.source,
    }


def justice_event_body(event: JusticeEvent) -> dict:
    return {
        "id": event.pk,
        "stage": event.stage,
        "occurred_on": event.occurred_on,
        "detail": event.detail,
        "source": event.source,
    }
