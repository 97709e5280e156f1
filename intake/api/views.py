from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    WWW_AUTHENTICATE,
    JSONParser,
    RequestTooLarge,
    SignedIn,
    error_responses,
    nested_errors,
)
from core.errors import DomainError
from intake.api.examples import IVNA_BATCH_EXAMPLES, IVNA_EXAMPLES
from intake.api.serializers import (
    IvnaBatchItemResultSerializer,
    IvnaResultSerializer,
    IvnaSerializer,
    validate_ivnas,
)
from intake.bulk import record_ivnas
from intake.models import SubmittedVia
from intake.services import IntakeResult, IvnaSubmission


class CanSubmitIvna(BasePermission):
    message = "This client may not submit IVNAs."

    def has_permission(self, request, view):
        return request.user.has_perm("intake.submit_ivna")


class IntakeApiView(APIView):
    """A way in by API: JSON bodies up to API_MAX_BODY_BYTES, refused before they are read;
    a rule the services refuse (a DomainError) is answered 400 by core.api's handler."""

    parser_classes = [JSONParser]
    max_body_setting = "API_MAX_BODY_BYTES"

    def initial(self, request, *args, **kwargs):
        limit = getattr(settings, self.max_body_setting)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > limit:
            raise RequestTooLarge(limit)
        super().initial(request, *args, **kwargs)


@dataclass(frozen=True)
class Submitted:
    """One IVNA taken in: its HTTP status (201 new, 200 already received) and its answer."""

    status: int
    body: dict


def submit_ivna(submission: IvnaSubmission, request) -> Submitted:
    """One validated IVNA, taken in as a batch of one (intake.bulk.record_ivnas): a new
    victim of a new crime is stored in the batch's few statements, anything else (a retry,
    an amendment, a person or crime already known) goes through intake.services.record_ivna,
    so the outcome is record_ivna's either way. Raises the service's DomainError (nothing
    of it saved)."""
    [outcome] = record_ivnas(
        [submission],
        by=request.user,
        via=SubmittedVia.API,
        api_client=getattr(request, "auth", None),
    )
    if isinstance(outcome, DomainError):
        raise outcome
    return answered(outcome)


def answered(result: IntakeResult) -> Submitted:
    """What the API answers for an IVNA taken in (the single endpoint and each batch item)."""
    body = {"case_id": result.case.pk, "victim_id": result.case.person_id,
            "route": result.case.route}
    if result.amended:
        body["amended"] = True
    return Submitted(status.HTTP_201_CREATED if result.created else status.HTTP_200_OK, body)


class IvnaCreateView(IntakeApiView):
    """`POST /api/v1/ivnas/`: the police crime system submits one IVNA."""

    permission_classes = [SignedIn, CanSubmitIvna]

    @extend_schema(
        request=IvnaSerializer,
        responses={
            201: OpenApiResponse(IvnaResultSerializer, description="IVNA stored, case opened"),
            200: OpenApiResponse(
                IvnaResultSerializer,
                description=(
                    "Already received: the same case. Unchanged when the answers are the "
                    "same (a retry); with different answers an amendment (`amended`: true), "
                    "and `route` is the case's route after re-triage."
                ),
            ),
            **error_responses(400, 401, 403, 406, 413, 415),
        },
        parameters=[WWW_AUTHENTICATE],
        examples=IVNA_EXAMPLES,
        summary="Submit an Initial Victim Needs Assessment",
    )
    def post(self, request):
        # Checked as a batch item is (validate_ivnas: the same serializer's rules and
        # messages, its fields built once a thread rather than once a request).
        [checked] = validate_ivnas([request.data])
        if isinstance(checked, dict):
            raise ValidationError(checked)
        submitted = submit_ivna(checked, request)
        return Response(submitted.body, status=submitted.status)


MAX_BATCH = 500


class IvnaBatchView(IntakeApiView):
    """`POST /api/v1/ivnas/batch/`: the crime system's daily transfer, up to 500 IVNAs.

    Each item is the single endpoint's body and gets the single endpoint's answer, in order,
    with its status inside: one bad item never fails the others, and each is idempotent as
    the single endpoint is, so the whole batch may be sent again after a lost answer.
    Nothing is kept unless the answer was given (the request is one transaction). The
    outcome is record_ivna's for each item; intake.bulk stores the new ones in bulk."""

    permission_classes = [SignedIn, CanSubmitIvna]
    max_body_setting = "API_MAX_BATCH_BODY_BYTES"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # the batch limit, checked before reading
        # Django caps every body at DATA_UPLOAD_MAX_MEMORY_SIZE (one IVNA's size) when it is
        # read through HttpRequest.body; a batch is checked against its own limit above, so
        # read it here, once, past that cap (HttpRequest keeps what it read in `_body`).
        django_request = request._request
        if not hasattr(django_request, "_body"):
            django_request._body = django_request.read()

    @extend_schema(
        request=IvnaSerializer(many=True),
        responses={
            200: OpenApiResponse(
                IvnaBatchItemResultSerializer(many=True),
                description=(
                    "One result per IVNA, in the order sent: `status` 201 (case opened), "
                    "200 (already received, or an amendment) or 400 (`errors`, a message "
                    "per field as the single endpoint gives; nothing of that item saved)."
                ),
            ),
            **error_responses(400, 401, 403, 406, 413, 415),
        },
        parameters=[WWW_AUTHENTICATE],
        examples=IVNA_BATCH_EXAMPLES,
        summary="Submit up to 500 IVNAs at once (the daily transfer)",
    )
    def post(self, request):
        items = request.data
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
            return Response(
                {"body": [f"Send a JSON list of 1 to {MAX_BATCH} IVNAs."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        checked = validate_ivnas(items)
        valid = [c for c in checked if isinstance(c, IvnaSubmission)]
        outcomes = iter(record_ivnas(
            valid, by=request.user, via=SubmittedVia.API,
            api_client=getattr(request, "auth", None),
        ))
        return Response([
            self._one(next(outcomes) if isinstance(c, IvnaSubmission) else c) for c in checked
        ])

    @staticmethod
    def _one(outcome: IntakeResult | DomainError | dict) -> dict:
        if isinstance(outcome, dict):  # the serializer's errors
            return {"status": status.HTTP_400_BAD_REQUEST, "errors": outcome}
        if isinstance(outcome, DomainError):
            return {"status": status.HTTP_400_BAD_REQUEST, "errors": nested_errors(outcome)}
        answer = answered(outcome)
        return {"status": answer.status, **answer.body}
