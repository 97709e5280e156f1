from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.api.serializers import FlowQuerySerializer, FlowSerializer
from reporting.flow import COUNTING_RULES_VERSION, Period, compute_flow


class CanSeePerformance(BasePermission):
    message = "This client may not read performance figures."

    def has_permission(self, request, view):
        return request.user.has_perm("cases.view_performance")


class FlowView(APIView):
    """The hub flow for a period (by referral date) and optional district: aggregates only."""

    permission_classes = [CanSeePerformance]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("district", OpenApiTypes.STR, required=False),
        ],
        responses=FlowSerializer,
        summary="Flow of victims through the hub",
    )
    def get(self, request):
        query = FlowQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = Period(query.validated_data["from"], query.validated_data["to"])
        district = query.validated_data.get("district")
        body = compute_flow(period, district).as_dict()
        body.update(
            period_from=period.start,
            period_to=period.end,
            district=district,
            counting_rules_version=COUNTING_RULES_VERSION,
        )
        return Response(FlowSerializer(body).data)
