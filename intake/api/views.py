from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    WWW_AUTHENTICATE,
    JSONParser,
    RequestTooLarge,
    SignedIn,
    error_responses,
)
from intake.api.examples import IVNA_EXAMPLES
from intake.api.serializers import IvnaResultSerializer, IvnaSerializer
from intake.models import SubmittedVia
from intake.services import record_ivna


class CanSubmitIvna(BasePermission):
    message = "This client may not submit IVNAs."

    def has_permission(self, request, view):
        return request.user.has_perm("intake.submit_ivna")


class IntakeApiView(APIView):
    """A way in by API: JSON bodies up to API_MAX_BODY_BYTES, refused before they are read;
    a rule the services refuse (a DomainError) is answered 400 by core.api's handler."""

    parser_classes = [JSONParser]

    def initial(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            raise RequestTooLarge(settings.API_MAX_BODY_BYTES)
        super().initial(request, *args, **kwargs)


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
        serializer = IvnaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = record_ivna(
            submission=serializer.to_submission(),
            by=request.user,
            via=SubmittedVia.API,
            api_client=getattr(request, "auth", None),
        )
        body = {
            "case_id": result.case.pk,
            "victim_id": result.case.person_id,
            "route": result.case.route,
        }
        if result.amended:
            body["amended"] = True
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)
