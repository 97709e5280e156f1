from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import WWW_AUTHENTICATE, SignedIn, error_responses
from core.choices import District
from reporting.api.compliance_serializers import ComplianceReturnSerializer
from reporting.api.examples import (
    COMPLIANCE_RETURN_EXAMPLES,
    FLOW_EXAMPLES,
    QUARTERLY_RETURN_EXAMPLES,
)
from reporting.api.renderers import (
    ComplianceReturnCSVRenderer,
    QuarterlyReturnCSVRenderer,
    csv_filename,
)
from reporting.api.serializers import (
    FlowQuerySerializer,
    FlowSerializer,
    QuarterlyReturnQuerySerializer,
    QuarterlyReturnSerializer,
)
from reporting.flow import COUNTING_RULES_VERSION, Period
from reporting.live import flow as live_flow
from reporting.models import ReturnKind
from reporting.replica import replica_reads
from reporting.suppression import SUPPRESSION_RULE
from reporting.versions import published_return


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
        examples=FLOW_EXAMPLES,
        description=(
            "Hub managers get exact counts for any period and district. OPCC clients may ask "
            "only for one whole calendar quarter (from its first day to its last) and the "
            "whole area (no district): anything else is a 400 saying what is allowed. Their "
            "counts are suppressed as in the quarterly return, and are the same figures as "
            "that quarter's return: " + SUPPRESSION_RULE
        ),
    )
    @replica_reads()
    def get(self, request):
        exact = sees_exact_figures(request.user)
        query = FlowQuerySerializer(
            data=request.query_params, context={"whole_quarters_only": not exact}
        )
        query.is_valid(raise_exception=True)
        period = Period(query.validated_data["from"], query.validated_data["to"])
        district = query.validated_data.get("district")
        # Through the cache (reporting.cache): the same question is worked out once a few
        # minutes. A copy: the cached figures are shared.
        body = dict(live_flow(period, district, exact=exact).value)
        body.update(
            period_from=period.start,
            period_to=period.end,
            district=district,
            counting_rules_version=COUNTING_RULES_VERSION,
            suppression_rule=None if exact else SUPPRESSION_RULE,
        )
        return Response(FlowSerializer(body).data)


# The query of both returns (the quarterly return and the compliance return).
RETURN_PARAMETERS = [
    OpenApiParameter(
        "year", {"type": "integer", "minimum": 2000, "maximum": 2100}, required=True,
        description="e.g. 2025",
    ),
    OpenApiParameter(
        "quarter", OpenApiTypes.INT, required=True, enum=[1, 2, 3, 4],
        description="1 = January to March, 4 = October to December",
    ),
    OpenApiParameter(
        "version", {"type": "integer", "minimum": 1}, required=False,
        description="A stored version: 1 is the final return, 2 and on revisions. "
        "The latest when left out; a version the quarter does not have (and any "
        "version of a provisional quarter) is a 400 naming `version`.",
    ),
    OpenApiParameter(
        "format", OpenApiTypes.STR, required=False, enum=["json", "csv"],
        description="`csv` for the CSV (as `Accept: text/csv`); any other is a 404",
    ),
]


class QuarterlyReturnView(APIView):
    """The quarterly return for the OPCC: aggregates only, with small counts suppressed.

    JSON by default; CSV with `Accept: text/csv` or `?format=csv`. Errors are always JSON.
    """

    permission_classes = [SignedIn, CanSeePerformance]
    renderer_classes = [JSONRenderer, QuarterlyReturnCSVRenderer]

    @extend_schema(
        parameters=[*RETURN_PARAMETERS, WWW_AUTHENTICATE],
        responses={
            # The CSV first: a client generated from the schema (openapi-python-client)
            # reads a 200 as its first media type, and the CSV is what analysts fetch; the
            # JSON is the default answer when no Accept or ?format= asks for the CSV.
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): QuarterlyReturnSerializer,
            **error_responses(400, 401, 403, 404, 406),
        },
        summary="Quarterly return for the OPCC",
        examples=QUARTERLY_RETURN_EXAMPLES,
        description=(
            "The flow counts for the calendar quarter (suppressed: the same figures as the flow "
            "API gives the OPCC for the quarter) and breakdowns of its referrals "
            "by crime type, district, age band, gender, ethnicity, need area, referral "
            "destination and outcome. " + SUPPRESSION_RULE + " A quarter is `provisional` "
            "(computed live, never stored by a request) until a daily job finalises it, a "
            "set number of working days after it ends (`finalised_from`), as version 1 "
            "(`final`); when its figures later change the job stores a new version "
            "(`revised`, with `changes`). The latest version is answered unless `version` "
            "asks for another; `versions` lists them all. A GET never writes. "
            "`Accept: text/csv` (or `?format=csv`) gives the same as a tidy CSV: `#` comment "
            "lines (title, period, status and version, rules, suppression, generated at), "
            "then one header `year,quarter,version,section,breakdown,category,value,"
            "suppressed`; `value` holds whole numbers only (empty when suppressed); rates are "
            "in the section `rates_per_10000`; each breakdown's total is its category "
            "`total` (docs/returns.md)."
        ),
    )
    @replica_reads()
    def get(self, request, *args, **kwargs):
        query = QuarterlyReturnQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, quarter = query.validated_data["year"], query.validated_data["quarter"]
        published = published_return(year, quarter, version=query.validated_data.get("version"))
        body = QuarterlyReturnSerializer(published).data
        response = Response(body)
        if request.accepted_renderer.format == QuarterlyReturnCSVRenderer.format:
            response["Content-Disposition"] = (
                f'attachment; filename="{csv_filename(published)}"'
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


class ComplianceReturnView(QuarterlyReturnView):
    """The Victims' Code compliance return for the OPCC (docs/compliance-return.md): the same
    query, status, versions, suppression and CSV as the quarterly return."""

    renderer_classes = [JSONRenderer, ComplianceReturnCSVRenderer]

    @extend_schema(
        parameters=[*RETURN_PARAMETERS, WWW_AUTHENTICATE],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): ComplianceReturnSerializer,
            **error_responses(400, 401, 403, 404, 406),
        },
        examples=COMPLIANCE_RETURN_EXAMPLES,
        summary="Victims' Code compliance return for the OPCC",
        description=(
            "For the calendar quarter, per Victims' Code right: the victims' referrals to "
            "whom it began to apply (total) and whether it was met on time, met late, "
            "declined, missed or is not recorded yet (they add up to the total); the same by "
            "crime type, enhanced entitlement, gender, age band, ethnicity, disability, "
            "religion and sexual orientation (each with a `none` category: not recorded); "
            "the satisfaction survey's answers with the right each question speaks to; and "
            "the complaints log (Right 12). " + SUPPRESSION_RULE + " Rows and columns of "
            "each right's tables are suppressed together, so nothing hidden can be worked "
            "out from either. Provisional, final and revised versions as the quarterly "
            "return (`version`, `versions`, `changes`); `Accept: text/csv` or `?format=csv` "
            "gives the same tidy CSV (docs/compliance-return.md)."
        ),
    )
    def get(self, request, *args, **kwargs):
        query = QuarterlyReturnQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, quarter = query.validated_data["year"], query.validated_data["quarter"]
        published = published_return(year, quarter, version=query.validated_data.get("version"),
                                     kind=ReturnKind.COMPLIANCE)
        response = Response(ComplianceReturnSerializer(published).data)
        if request.accepted_renderer.format == ComplianceReturnCSVRenderer.format:
            response["Content-Disposition"] = (
                f'attachment; filename="{csv_filename(published, "opcc-compliance")}"'
            )
        return response
