"""The managers' dashboard: the flow of victims through the hub, the monthly trend and the
breakdowns, for a period and district, each count linking to the cases behind it; and the
same figures as CSV.

Only hub managers: the links open named victims' cases, so VCCs (no performance figures) are
refused, and the OPCC (aggregates only) is sent on to its read-only page, the quarterly
return (reporting.performance_views).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from audit.models import AccessAction
from audit.services import record_access
from core.choices import District
from reporting import live
from reporting.csv import dashboard_csv
from reporting.flow import COUNTING_RULES_VERSION, Period
from reporting.flow_rules import CONTACTED, OTHER_WAYS_IN, OUTCOMES
from reporting.outcome_tables import outcome_tables
from reporting.replica import replica_reads
from reporting.selectors import (
    CASE_LIST_KEYS,
    FLOW_LABELS,
    ROW_KEYS,
    Breakdown,
    Dashboard,
    Month,
    last_full_months,
)

PERMISSIONS = ("cases.view_performance", "cases.view_casework")
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
LONGEST_DAYS = 3660  # ten years, as the API allows

# The boxes of the diagram (police IVNA referrals, the IVNA's triage and the outcomes of hub
# contact): key, what the share is of, and the CSS modifier of the box.
FLOW_BOXES = {
    "police_ivna": (None, "root"),
    "letter_only": ("police_ivna", "letter"),
    "responded_to_letter": ("letter_only", "subset"),
    "high_risk": ("police_ivna", "risk"),
    "declined_at_ivna": ("police_ivna", "leaf"),
    "vulnerable": ("police_ivna", "contact"),
    "supported_elsewhere": ("vulnerable", "leaf"),
    "awaiting_contact": ("vulnerable", "leaf"),
    "no_contact": ("vulnerable", "leaf"),
    "transferred_out": ("vulnerable", "leaf"),
    "contacted": ("vulnerable", "contact"),
    "declined": ("vulnerable", "leaf"),
    "signposted": ("vulnerable", "leaf"),
    "accepted": ("vulnerable", "accepted"),
}
# Short names for the boxes (the key under the diagram says what the routes mean).
DIAGRAM_LABELS = {
    "police_ivna": "Police IVNA referrals",
    "responded_to_letter": "Responded",
    "high_risk": "High risk",
    "declined_at_ivna": "Declined contact",
    "vulnerable": "Vulnerable",
}
SHARE_OF = {
    "police_ivna": "IVNA", "letter_only": "letter only", "vulnerable": "vulnerable",
}
# The tables beside the diagram: the ways in (they add up to the referrals), the sums the
# 2015 text counts, and the introductory letter (another split of the referrals).
WAYS_IN_ROWS = ("police_ivna", "self_referred", "transferred_in", "referred")
SUM_ROWS = ("assessed_vulnerable", "supported")
LETTER_ROWS = ("written_to", "not_written_to", "letter_pending", "letters_sent",
               "follow_up_letters")
# The series of the monthly chart: the three triage routes, and those who accepted support.
TREND_SERIES = (
    ("letter_only", "Letter only"),
    ("high_risk", "High risk"),
    ("vulnerable", "Vulnerable (hub contact)"),
)


class DateInput(forms.DateInput):
    """The browser's date picker. It can only show a real YYYY-MM-DD date: anything else is
    left out (the error message says what was wrong) rather than given to it."""

    input_type = "date"

    def format_value(self, value):
        value = super().format_value(value)
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return None
        return value if len(value) == 10 else None


class DashboardFilterForm(forms.Form):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD[&district=slug]`; a blank date is the default."""

    start = forms.DateField(
        label="Referred from",
        input_formats=["%Y-%m-%d"],
        widget=DateInput,
        error_messages={"invalid": "The start of the period must be a real date"},
    )
    to = forms.DateField(
        label="Referred to",
        input_formats=["%Y-%m-%d"],
        widget=DateInput,
        error_messages={"invalid": "The end of the period must be a real date"},
    )
    district = forms.ChoiceField(
        label="District",
        choices=[("", "All districts"), *District.choices],
        required=False,
        error_messages={"invalid_choice": "Select a district from the list"},
    )

    def __init__(self, data, *, default: Period):
        # "from" is a Python keyword: the field is `start` in code and `from` in the URL.
        values = {"from": default.start.isoformat(), "to": default.end.isoformat()}
        values.update({key: data[key].strip() for key in ("from", "to", "district")
                       if data.get(key, "").strip()})
        super().__init__(values)
        self.fields = {"from": self.fields.pop("start"), **self.fields}
        for name, field in self.fields.items():
            css = "govuk-select" if name == "district" else "govuk-input govuk-input--width-10"
            field.widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        # GOV.UK error messages: the input names its message for screen readers.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        for name, day in (("from", start), ("to", end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, f"Enter a date between {EARLIEST:%Y} and {LATEST:%Y}")
                cleaned.pop(name, None)
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end:
            if start > end:
                self.add_error("to", "The end of the period must be on or after its start")
            elif (end - start).days > LONGEST_DAYS:
                self.add_error("to", "The period must be ten years or shorter")
        return cleaned

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["from"], self.cleaned_data["to"])

    @property
    def selected_district(self) -> str | None:
        return self.cleaned_data.get("district") or None


def _filters(request) -> DashboardFilterForm:
    return DashboardFilterForm(
        request.GET, default=last_full_months(timezone.localdate())
    )


def _district_label(district: str | None) -> str:
    return District(district).label if district else "All districts"


def case_list_url(period: Period, district: str | None, **filters: str) -> str:
    """The case list showing exactly the cases behind a count: all statuses (a case keeps
    its place in the flow when it closes), referred in the period, in the district."""
    query = {"status": "all", "from": period.start.isoformat(), "to": period.end.isoformat()}
    if district:
        query["district"] = district
    query.update(filters)
    return f"{reverse('cases:list')}?{urlencode(query)}"


def _share(part: int, whole: int, of: str) -> str:
    return f"{part / whole:.0%} of {of}" if whole else ""


class Presenter:
    """What the template and the charts need: every count with the link to its cases."""

    def __init__(self, figures: Dashboard):
        self.figures = figures
        self.period = figures.period
        self.district = figures.district

    def url(self, **filters: str) -> str:
        return case_list_url(self.period, self.district, **filters)

    def boxes(self) -> dict[str, dict]:
        flow = self.figures.flow
        boxes = {}
        for key, (parent, kind) in FLOW_BOXES.items():
            boxes[key] = {
                **self.figure(key),
                "label": DIAGRAM_LABELS.get(key, FLOW_LABELS[key]),
                "kind": kind,
                "share": (
                    _share(flow.counts[key], flow.counts[parent], SHARE_OF[parent])
                    if parent else ""
                ),
            }
        return boxes

    def figure(self, key: str) -> dict:
        """One count of the flow in both units, with the link to its cases (if a set of
        referrals: letters are letters)."""
        flow = self.figures.flow
        return {
            "key": key,
            "label": FLOW_LABELS[key],
            "count": flow.counts[key],
            "victims": flow.victims[key],
            "url": self.url(flow=key) if key in CASE_LIST_KEYS else "",
            # The diagram's boxes carry the test id of their key; a table row repeating one
            # of them (the police IVNA way in) does not.
            "testid": key not in FLOW_BOXES,
        }

    def tables(self) -> dict[str, list[dict]]:
        """The ways in, the sums, the outcomes of the other ways in, and the letters."""
        outcomes = []
        for outcome in (*OUTCOMES[:4], "contacted", *OUTCOMES[4:]):
            outcomes.append({
                "label": FLOW_LABELS[outcome],
                "indent": outcome in CONTACTED,
                "ways": [self.figure(f"{way}_{outcome}") for way in OTHER_WAYS_IN],
            })
        return {
            "ways_in": [self.figure(key) for key in WAYS_IN_ROWS],
            "sums": [self.figure(key) for key in SUM_ROWS],
            "other_ways": outcomes,
            "other_way_heads": [self.figure(way) for way in OTHER_WAYS_IN],
            "letters": [self.figure(key) for key in LETTER_ROWS],
        }

    def month_rows(self) -> list[dict]:
        rows = []
        for month in self.figures.months:
            part = month.within(self.period)
            cells = [
                {"count": month.counts[key], "url": self._month_url(part, key)}
                for key in ("referred", *(k for k, _ in TREND_SERIES), "accepted")
            ]
            rows.append({"month": month, "partial": _is_partial(month, part), "cells": cells})
        return rows

    def _month_url(self, part: Period, key: str) -> str:
        return case_list_url(part, self.district, flow=key)

    def _row_url(self, breakdown: Breakdown, value: str, key: str) -> str:
        if breakdown.name == "district":
            # The row is a district: it replaces the dashboard's (which is the same or none).
            return case_list_url(self.period, value, flow=key)
        return self.url(**{breakdown.name: value}, flow=key)

    def breakdowns(self) -> list[dict]:
        shown = []
        for breakdown in self.figures.breakdowns:
            rows = []
            for row in breakdown.rows:
                cells = [
                    {"count": row.counts[key], "url": self._row_url(breakdown, row.key, key)}
                    for key in ROW_KEYS
                ]
                rows.append({"row": row, "cells": cells})
            shown.append({"breakdown": breakdown, "rows": rows})
        return shown

    def chart_data(self) -> dict:
        """The figures of the charts, for static/js/dashboard.js (a JSON script element)."""
        months = self.figures.months
        trend = {
            "labels": [m.start.strftime("%b %Y") for m in months],
            "series": [
                {
                    "key": key,
                    "label": label,
                    "data": [m.counts[key] for m in months],
                    "links": [self._month_url(m.within(self.period), key) for m in months],
                }
                for key, label in (*TREND_SERIES, ("accepted", "Accepted support"))
            ],
        }
        breakdowns = []
        for breakdown in self.figures.breakdowns:
            rows = breakdown.rows
            breakdowns.append(
                {
                    "name": breakdown.name,
                    "title": breakdown.title,
                    "labels": [row.label for row in rows],
                    "series": [
                        {
                            "key": key,
                            "label": label,
                            "data": [row.counts[key] for row in rows],
                            "links": [self._row_url(breakdown, row.key, key) for row in rows],
                        }
                        for key, label in (("referred", "Referred"),
                                           ("accepted", "Accepted support"))
                    ],
                }
            )
        return {"trend": trend, "breakdowns": breakdowns}


def _percent(rate: float | None) -> str:
    return f"{rate:.1%}" if rate is not None else "–"


def _is_partial(month: Month, part: Period) -> bool:
    return (part.start, part.end) != (month.start, month.end)


class DashboardView(PermissionRequiredMixin, TemplateView):
    """For hub managers: the flow as a diagram with the supported rate, the monthly trend,
    and the breakdowns by district, crime type and marker."""

    permission_required = PERMISSIONS
    template_name = "reporting/dashboard.html"

    def handle_no_permission(self):
        # Performance figures but no casework (the OPCC): its page is the quarterly return.
        if self.request.user.has_perm("cases.view_performance"):
            return redirect("performance:return")
        return super().handle_no_permission()

    @replica_reads()
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = _filters(self.request)
        context.update(form=form, counting_rules_version=COUNTING_RULES_VERSION)
        if not form.is_valid():
            return context
        # Through the cache (reporting.cache): worked out once a few minutes, and ahead of
        # time for the default filters (reporting.tasks.refresh_figures).
        cached = live.dashboard(form.period, form.selected_district)
        figures = cached.value.figures
        shown = Presenter(figures)
        query = {"from": form.period.start.isoformat(), "to": form.period.end.isoformat()}
        if form.selected_district:
            query["district"] = form.selected_district
        context.update(
            figures=figures,
            flow=figures.flow,
            boxes=shown.boxes(),
            tables=shown.tables(),
            months=shown.month_rows(),
            breakdowns=shown.breakdowns(),
            chart_data=shown.chart_data(),
            district_label=_district_label(form.selected_district),
            export_url=f"{reverse('reporting:export')}?{urlencode(query)}",
            supported_rate_percent=_percent(figures.flow.supported_rate),
            victims_supported_rate_percent=_percent(figures.flow.victims_supported_rate),
            self_referred_url=shown.url(flow="self_referred"),
            # Outcomes (issue 14): exact here, for managers.
            outcome_tables=outcome_tables(cached.value.outcomes),
            outcomes_note="Exact counts, for the same period and district.",
            worked_out_at=cached.worked_out_at,
            refreshed_every_minutes=max(1, settings.HUB_FIGURES_CACHE_SECONDS // 60),
        )
        return context


class DashboardExportView(PermissionRequiredMixin, View):
    """The dashboard's figures as CSV, for the same filters. Aggregates only: the export is
    logged, with no case or person ids because it names none."""

    permission_required = PERMISSIONS
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        form = _filters(request)
        if not form.is_valid():
            # The dashboard shows what is wrong with the filters.
            return redirect(f"{reverse('reporting:dashboard')}?{request.GET.urlencode()}")
        period, district = form.period, form.selected_district
        with replica_reads():
            figures = live.dashboard(period, district).value.figures
        body = dashboard_csv(figures, district_label=_district_label(district))
        record_access(request=request, action=AccessAction.EXPORT, detail="dashboard CSV")
        name = f"hub-dashboard-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}"
        if district:
            name += f"-{district}"
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response["Cache-Control"] = "no-store"
        return response
