from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core.api import (
    WWW_AUTHENTICATE,
    SignedIn,
    error_responses,
)
from intake.api.examples import TRANSFER_EXAMPLES
from intake.api.transfer_serializers import TransferResultSerializer, TransferSerializer
from intake.api.views import IntakeApiView
from intake.models import TransferVia
from intake.transfers import record_transfer_in


class CanSendTransfers(BasePermission):
    """Transfer senders: the Action Fraud, British Transport Police and other forces'
    systems, each with a token of the transfer-sender role (accounts.roles), which the
    force's own crime system (police role) does not have."""

    message = "This client may not send transfers."

    def has_permission(self, request, view):
        return request.user.has_perm("intake.send_transfers")


class TransferCreateView(IntakeApiView):
    """`POST /api/v1/transfers/`: a victim who lives here, transferred by another force,
    Action Fraud or British Transport Police."""

    permission_classes = [SignedIn, CanSendTransfers]

    @extend_schema(
        request=TransferSerializer,
        responses={
            201: OpenApiResponse(
                TransferResultSerializer, description="Transfer stored, case opened"
            ),
            200: OpenApiResponse(
                TransferResultSerializer,
                description="Already received from this sender with this reference: the "
                "same case, unchanged",
            ),
            **error_responses(400, 401, 403, 406, 413, 415),
        },
        parameters=[WWW_AUTHENTICATE],
        examples=TRANSFER_EXAMPLES,
        summary="Transfer a victim to the hub from another area",
        description=(
            "For a victim who lives in Cambridgeshire or Peterborough and reported to another "
            "force, Action Fraud or British Transport Police. Opens a case for hub contact. "
            "The same sending organisation and reference again answers 200 with the same "
            "case and creates nothing."
        ),
    )
    def post(self, request):
        serializer = TransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = record_transfer_in(
            details=serializer.to_details(),
            by=request.user,
            via=TransferVia.API,
            api_client=getattr(request, "auth", None),
        )
        body = {"case_id": result.case.pk, "victim_id": result.case.person_id}
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)
