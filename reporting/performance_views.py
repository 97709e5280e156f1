"""The quarterly return and the compliance return in the browser, read-only: for the OPCC's
analysts (performance figures, never casework) and hub managers.

The page shows the return exactly as the API gives it: the same function
(`reporting.versions.published_return`), so the same suppressed figures and the same
status. The downloads are the API itself (`api-returns-quarterly`), which a signed-in
session may read: the CSV is the API's renderer, never a second copy of it.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from reporting.api.compliance_serializers import ComplianceReturnSerializer
from reporting.api.serializers import QuarterlyReturnSerializer
from reporting.compliance_return import BREAKDOWN_CATEGORIES
from reporting.models import ReturnKind
from reporting.outcome_tables import outcome_tables, percent
from reporting.replica import replica_reads
from reporting.returns import latest_ended_quarter, quarter_period
from reporting.selectors import FLOW_LABELS
from reporting.suppression import SUPPRESSED
from reporting.versions import published_return
from rights.compliance import OUTCOME_LABELS

EARLIEST_YEAR = 2000  # as the API allows
LATEST_YEAR = 2100


class QuarterForm(forms.Form):
    """`?year=YYYY&quarter=N`; blank is the latest ended quarter."""

    year = forms.IntegerField(
        label="Year",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
        error_messages={
            "invalid": "Enter the year as four digits, for example 2026",
            "min_value": f"Enter a year from {EARLIEST_YEAR} to {LATEST_YEAR}",
            "max_value": f"Enter a year from {EARLIEST_YEAR} to {LATEST_YEAR}",
        },
    )
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        choices=[
            (1, "1: January to March"),
            (2, "2: April to June"),
            (3, "3: July to September"),
            (4, "4: October to December"),
        ],
        error_messages={"invalid_choice": "Select a quarter from the list"},
    )

    def __init__(self, data, *, default: tuple[int, int]):
        values = {"year": str(default[0]), "quarter": str(default[1])}
        values.update({key: data[key].strip() for key in ("year", "quarter")
                       if data.get(key, "").strip()})
        super().__init__(values)
        self.fields["year"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-4", "inputmode": "numeric",
             "spellcheck": "false"}
        )
        self.fields["year"].widget.input_type = "text"
        self.fields["quarter"].widget.attrs["class"] = "govuk-select"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"


def _flow_rows(flow: dict) -> list[dict]:
    rows = []
    for key, value in flow.items():
        if key == "supported_rate":
            continue
        rows.append({"key": key, "label": FLOW_LABELS.get(key, key.replace("_", " ").capitalize()),
                     "value": value})
    return rows


class PerformanceView(PermissionRequiredMixin, TemplateView):
    """The quarter's return as published: the flow (exact headline counts), the breakdowns
    and the outcomes with small counts suppressed, a chart of the flow, and the downloads."""

    permission_required = "cases.view_performance"
    template_name = "reporting/performance.html"

    @replica_reads()
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QuarterForm(self.request.GET,
                           default=latest_ended_quarter(timezone.localdate()))
        context["form"] = form
        if not form.is_valid():
            return context
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        # As the API serves it: the same function and serializer, so the same figures.
        published = QuarterlyReturnSerializer(published_return(year, quarter)).data
        api = reverse("api-returns-quarterly")
        flow = _flow_rows(dict(published["flow"]))
        context.update(
            ret=published,
            finalised_from=date.fromisoformat(published["finalised_from"]),
            period=quarter_period(year, quarter),
            flow_rows=flow,
            supported_rate=percent(published["flow"].get("supported_rate")),
            breakdowns=list(published["breakdowns"].values()),
            outcome_tables=outcome_tables(published["outcomes"]),
            outcomes_note="As published in the return: counts from 1 to 4 are shown as *, "
            "with more hidden where needed so that none can be worked out.",
            csv_url=f"{api}?{urlencode({'year': year, 'quarter': quarter, 'format': 'csv'})}",
            json_url=f"{api}?{urlencode({'year': year, 'quarter': quarter, 'format': 'json'})}",
            file_name=f"opcc-return-{year}-q{quarter}",
            chart_data={
                "labels": [row["label"] for row in flow if row["key"] != "unique_victims"],
                "data": [row["value"] for row in flow if row["key"] != "unique_victims"],
            },
        )
        return context


class BreakdownChoice(forms.Form):
    """`?breakdown=`: which breakdown of the compliance return the page shows."""

    breakdown = forms.ChoiceField(
        label="Break down by",
        required=False,
        choices=[(name, title) for name, (title, _) in BREAKDOWN_CATEGORIES.items()],
    )


class ComplianceView(PermissionRequiredMixin, TemplateView):
    """The Victims' Code compliance return as published (reporting.compliance_return): each
    right's outcomes as a table and a chart, one breakdown at a time, the victims' feedback
    and the complaints; the downloads are the API (`api-returns-compliance`)."""

    permission_required = "cases.view_performance"
    template_name = "reporting/compliance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QuarterForm(self.request.GET,
                           default=latest_ended_quarter(timezone.localdate()))
        choice = BreakdownChoice(self.request.GET)
        choice.fields["breakdown"].widget.attrs["class"] = "govuk-select"
        context.update(form=form, choice=choice)
        if not form.is_valid():
            return context
        breakdown = (choice.cleaned_data.get("breakdown") if choice.is_valid() else "") or (
            "crime_type")
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        published = ComplianceReturnSerializer(
            published_return(year, quarter, kind=ReturnKind.COMPLIANCE)).data
        api = reverse("api-returns-compliance")
        query = {"year": year, "quarter": quarter}
        rights = list(published["rights"].values())
        table = published["breakdowns"][breakdown]
        context.update(
            ret=published,
            finalised_from=date.fromisoformat(published["finalised_from"]),
            period=quarter_period(year, quarter),
            rights=rights,
            outcome_labels=list(OUTCOME_LABELS.values()),
            breakdown_title=table["title"],
            breakdown_rights=[
                (right["title"], list(table[key].values()))
                for key, right in published["rights"].items()
                if right["total"] not in (0, SUPPRESSED)
            ],
            survey=[figure for key, figure in published["survey"].items()],
            complaints=[figure for key, figure in published["complaints"].items()
                        if isinstance(figure, dict)],
            csv_url=f"{api}?{urlencode({**query, 'format': 'csv'})}",
            json_url=f"{api}?{urlencode({**query, 'format': 'json'})}",
            file_name=f"opcc-compliance-{year}-q{quarter}",
            chart_data={
                "labels": [f"Right {n}" for n in range(1, len(rights) + 1)],
                "series": [
                    {"label": label,
                     "data": [right["cells"][i]["value"] if right["cells"][i]["value"]
                              != SUPPRESSED else None for right in rights]}
                    for i, label in enumerate(OUTCOME_LABELS.values())
                ],
            },
        )
        return context
