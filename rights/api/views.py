"""The police's API on a case's Victims' Code rights (issue 15): the force's crime system,
which submitted the case's IVNA, reads the case's rights, sends the evidence for a right the
police deliver, and adds the steps of the justice process. Any other client gets 404 for the
case, as for a case that does not exist: it learns nothing of it. Retries are safe: the same
step on the same day answers 200 with the first; the same evidence again changes nothing."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from audit.models import AccessAction
from audit.services import record_access
from cases.models import Case
from core.api import WWW_AUTHENTICATE, ErrorDetailSerializer, SignedIn, error_responses
from intake.api.views import IntakeApiView
from rights.api.examples import CASE_RIGHTS_EXAMPLES, EVIDENCE_EXAMPLES, JUSTICE_EVENT_EXAMPLES
from rights.api.serializers import (
    CaseRightsSerializer,
    EntitlementSerializer,
    EvidenceSerializer,
    JusticeEventInSerializer,
    JusticeEventSerializer,
    entitlement_body,
    justice_event_body,
)
from rights.rules import RULES
from rights.selectors import case_for_police_client, rights_for_api
from rights.services import record_evidence, record_justice_event

BIGGEST_ID = 2**63 - 1  # PostgreSQL's bigint


def path_id(value: str) -> int:
    """A case id or right number from the path; anything else names nothing (404)."""
    if not value.isdigit() or not value.isascii() or int(value) > BIGGEST_ID:
        raise Http404("Not found")
    return int(value)


class IsPoliceClient(BasePermission):
    """The force's crime system: an API client with the police role (accounts.roles)."""

    message = "Only the police crime system that submitted the IVNA may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_api_client and user.has_perm("intake.submit_ivna"))


CASE_ID = OpenApiParameter(
    "case_id", OpenApiTypes.INT, OpenApiParameter.PATH,
    description="The case id the IVNA's answer gave (`case_id`).",
)
RIGHT = OpenApiParameter(
    "right", OpenApiTypes.INT, OpenApiParameter.PATH, enum=sorted(RULES),
    description="The right's number in the Victims' Code (1-12).",
)
NOT_YOURS = {
    (404, "application/json"): OpenApiResponse(
        ErrorDetailSerializer,
        description="No such case for this client (it did not submit an IVNA for it), or no "
        "such right",
        examples=[OpenApiExample("NotFound", value={"detail": "Not found."},
                                 response_only=True)],
    )
}


class CaseRightsApiView(IntakeApiView):
    permission_classes = [SignedIn, IsPoliceClient]

    def case(self, case_id: str) -> Case:
        case = case_for_police_client(self.request.user, path_id(case_id))
        if case is None:
            raise Http404("No such case")
        return case


class CaseRightsView(CaseRightsApiView):
    """`GET /api/v1/cases/{case_id}/rights/`."""

    @extend_schema(
        responses={
            200: OpenApiResponse(CaseRightsSerializer, description="The case's rights"),
            **error_responses(401, 403, 406),
            **NOT_YOURS,
        },
        parameters=[CASE_ID, WWW_AUTHENTICATE],
        examples=CASE_RIGHTS_EXAMPLES,
        summary="A case's Victims' Code rights and justice process",
        description="For the police client that submitted the case's IVNA: each right that "
        "applies to the victim, who delivers it, its time limit and its evidence.",
    )
    def get(self, request, case_id: str):
        case = self.case(case_id)
        rows, events = rights_for_api(case)
        record_access(request=request, action=AccessAction.API_READ, case_ids=[case.pk],
                      person_ids=[case.person_id], detail="Victims' Code rights")
        return Response({
            "case_id": case.pk,
            "rights": [entitlement_body(row) for row in rows],
            "justice_events": [justice_event_body(event) for event in events],
        })


class RightEvidenceView(CaseRightsApiView):
    """`POST /api/v1/cases/{case_id}/rights/{right}/`."""

    @extend_schema(
        request=EvidenceSerializer,
        responses={
            200: OpenApiResponse(
                EntitlementSerializer,
                description="Recorded (the same evidence again changes nothing)",
            ),
            **error_responses(400, 401, 403, 406, 413, 415),
            **NOT_YOURS,
        },
        parameters=[CASE_ID, RIGHT, WWW_AUTHENTICATE],
        examples=EVIDENCE_EXAMPLES,
        summary="Record the evidence for a right",
        description="A right the police deliver was met, declined by the victim, missed "
        "(with the reason) or does not apply (with the reason). A right of a later stage "
        "(a trial, an outcome) applies once that step of the justice process is sent.",
    )
    def post(self, request, case_id: str, right: str):
        # The body first, as a session's CSRF check reads it: a body that is no JSON is the
        # same 400 whoever sends it, and says nothing about the case.
        serializer = EvidenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = self.case(case_id)
        number = path_id(right)
        if number not in RULES:
            raise Http404("No such right")
        row = record_evidence(
            case, number, status=data["status"], at=data.get("at"), how=data["how"],
            reason=data["reason"], client=request.auth,
        )
        return Response(entitlement_body(row))


class JusticeEventCreateView(CaseRightsApiView):
    """`POST /api/v1/cases/{case_id}/justice-events/`."""

    @extend_schema(
        request=JusticeEventInSerializer,
        responses={
            201: OpenApiResponse(JusticeEventSerializer, description="Added"),
            200: OpenApiResponse(
                JusticeEventSerializer,
                description="The same step on the same day was already received: the first",
            ),
            **error_responses(400, 401, 403, 406, 413, 415),
            **NOT_YOURS,
        },
        parameters=[CASE_ID, WWW_AUTHENTICATE],
        examples=JUSTICE_EVENT_EXAMPLES,
        summary="Add a step of the justice process",
        description="No suspect, under investigation, charged, a trial date, the outcome, "
        "a sentence, the offender's release: each makes the rights of that stage apply, "
        "with their time limits.",
    )
    def post(self, request, case_id: str):
        serializer = JusticeEventInSerializer(data=request.data)  # the body first, as above
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = self.case(case_id)
        event, created = record_justice_event(
            case, data["stage"], data["occurred_on"], detail=data["detail"], client=request.auth
        )
        return Response(
            justice_event_body(event), status=status.HTTP_201_CREATED if created else 200
        )
