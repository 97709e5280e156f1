from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import WWW_AUTHENTICATE, SignedIn, error_responses
from core.choices import District
from reporting.api.renderers import QuarterlyReturnCSVRenderer
from reporting.api.serializers import (
    FlowQuerySerializer,
    FlowSerializer,
    QuarterlyReturnQuerySerializer,
    QuarterlyReturnSerializer,
)
from reporting.flow import COUNTING_RULES_VERSION, Period, compute_flow
from reporting.returns import get_quarterly_return
from reporting.suppression import SUPPRESSION_RULE, published_flow


class CanSeePerformance(BasePermission):
    message = "This client may not read performance figures."

    def has_permission(self, request, view):
        return request.user.has_perm("cases.view_performance")


def sees_exact_figures(user) -> bool:
    """Hub staff with casework access (the hub managers; the dashboard is theirs) see exact
    counts; every other reader of performance figures (the OPCC) sees them suppressed, for
    whole quarters and the whole area only, as in the quarterly return."""
    return user.has_perm("cases.view_casework")


class FlowView(APIView):
    """The hub flow for a period (by referral date) and optional district: aggregates only.

    Hub managers: any period, any district, exact counts. OPCC clients: one whole calendar
    quarter and the whole area, suppressed as the quarterly return's flow (the same figures).
    """

    permission_classes = [SignedIn, CanSeePerformance]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "district", OpenApiTypes.STR, required=False, enum=District.values
            ),
            WWW_AUTHENTICATE,
        ],
        responses={200: FlowSerializer, **error_responses(400, 401, 403, 406)},
        summary="Flow of victims through the hub",
        description=(
            "Hub managers get exact counts for any period and district. OPCC clients may ask "
            "only for one whole calendar quarter (from its first day to its last) and the "
            "whole area (no district): anything else is a 400 saying what is allowed. Their "
            "counts are suppressed as in the quarterly return, and are the same figures as "
            "that quarter's return: " + SUPPRESSION_RULE
        ),
    )
    def get(self, request):
        exact = sees_exact_figures(request.user)
        query = FlowQuerySerializer(
            data=request.query_params, context={"whole_quarters_only": not exact}
        )
        query.is_valid(raise_exception=True)
        period = Period(query.validated_data["from"], query.validated_data["to"])
        district = query.validated_data.get("district")
        if exact:
            body = compute_flow(period, district).as_dict()
        else:
            body = published_flow(period)
        body.update(
            period_from=period.start,
            period_to=period.end,
            district=district,
            counting_rules_version=COUNTING_RULES_VERSION,
            suppression_rule=None if exact else SUPPRESSION_RULE,
        )
        return Response(FlowSerializer(body).data)


class QuarterlyReturnView(APIView):
    """The quarterly return for the OPCC: aggregates only, with small counts suppressed.

    JSON by default; CSV with `Accept: text/csv` or `?format=csv`. Errors are always JSON.
    """

    permission_classes = [SignedIn, CanSeePerformance]
    renderer_classes = [JSONRenderer, QuarterlyReturnCSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", {"type": "integer", "minimum": 2000, "maximum": 2100}, required=True,
                description="e.g. 2025",
            ),
            OpenApiParameter(
                "quarter", OpenApiTypes.INT, required=True, enum=[1, 2, 3, 4],
                description="1 = January to March, 4 = October to December",
            ),
            OpenApiParameter(
                "format", OpenApiTypes.STR, required=False, enum=["json", "csv"],
                description="`csv` for the CSV (as `Accept: text/csv`); any other is a 404",
            ),
            WWW_AUTHENTICATE,
        ],
        responses={
            (200, "application/json"): QuarterlyReturnSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            **error_responses(400, 401, 403, 404, 406),
        },
        summary="Quarterly return for the OPCC",
        description=(
            "The flow counts for the calendar quarter (suppressed: the same figures as the flow "
            "API gives the OPCC for the quarter) and breakdowns of its referrals "
            "by crime type, district, age band, gender, ethnicity, need area, referral "
            "destination and outcome. " + SUPPRESSION_RULE + " An ended quarter's return is "
            "stored when first asked for and then always answered the same; the current or a "
            "future quarter is computed live and marked provisional. `Accept: text/csv` (or "
            "`?format=csv`) gives the same as CSV rows `section,breakdown,category,value` "
            "after header lines stating the period, the counting rules and the suppression "
            "rule."
        ),
    )
    def get(self, request, *args, **kwargs):
        query = QuarterlyReturnQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, quarter = query.validated_data["year"], query.validated_data["quarter"]
        body = QuarterlyReturnSerializer(get_quarterly_return(year, quarter)).data
        response = Response(body)
        if request.accepted_renderer.format == QuarterlyReturnCSVRenderer.format:
            response["Content-Disposition"] = (
                f'attachment; filename="opcc-return-{year}-q{quarter}.csv"'
            )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and (
            response.status_code >= 400 or request.method not in ("GET", "HEAD")
        ):
            # Errors are JSON with a message per field, whatever was asked for; so is the
            # OPTIONS description (only the return itself has a CSV form).
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response
