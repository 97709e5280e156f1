from collections import OrderedDict
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from cases.choices import CrimeType, Marker, Route
from cases.models import Case
from cases.selectors import caseworkers
from cases.workflow import OPEN_STATUSES, CaseStatus
from casework.work_selectors import TEAM_COLUMNS, team_column
from core.choices import District
from reporting.flow import Period, in_box
from reporting.selectors import CASE_LIST_FLOW_CHOICES, NOT_RECORDED

STATUS_CHOICES = [("open", "All open cases"), ("all", "All cases")] + CaseStatus.choices
# "from" is a Python keyword: the filter is declared under another name and read as "from".
URL_NAMES = {"referred_from": "from", "referred_to": "to"}


def _allocated_choices() -> list[tuple[str, str]]:
    """Me, the queue, and everyone who can hold cases or holds an open one (the team page's
    lines, casework.work_selectors.team_load)."""
    holders = User.objects.filter(
        Q(pk__in=caseworkers().values("pk"))
        | Q(pk__in=Case.objects.filter(status__in=OPEN_STATUSES).values("allocated_to"))
    ).order_by("first_name", "last_name", "username")
    return [("me", "Allocated to me"), ("none", "Unallocated queue")] + [
        (str(user.pk), str(user)) for user in holders
    ]


def team_cases_url(column: str, *, holder: int | str | None = None) -> str:
    """The case list of one of the team page's counts (TEAM_COLUMNS): open cases meeting
    the column's condition, of one member of staff (a pk), the queue ("none") or everyone."""
    query = {"status": "open", "work": column}
    if holder is not None:
        query["allocated"] = str(holder)
    return f"{reverse('cases:list')}?{urlencode(query)}"


def _date_filter(label: str, method: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        method=method,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CaseFilter(django_filters.FilterSet):
    """Filters for the case list. Names and other personal data are never filter values:
    they would end up in URLs (search is posted instead)."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label=None, label="Status"
    )
    route = django_filters.ChoiceFilter(choices=Route.choices, empty_label="Any route")
    district = django_filters.ChoiceFilter(
        choices=[*District.choices, (NOT_RECORDED, "Not recorded")], method="filter_district",
        empty_label="Any district", label="District",
    )
    # The dashboard's links (reporting): the cases behind one of its counts. `flow` is a box
    # of the flow, by reporting.flow.in_box, the same condition that counted it.
    flow = django_filters.ChoiceFilter(
        choices=CASE_LIST_FLOW_CHOICES, method="filter_flow", empty_label="Any", label="Flow"
    )
    referred_from = _date_filter("Referred from", "filter_referred_from")
    referred_to = _date_filter("Referred to", "filter_referred_to")
    crime_type = django_filters.ChoiceFilter(
        choices=[*CrimeType.choices, (NOT_RECORDED, "No crime recorded")],
        method="filter_crime_type", empty_label="Any crime type", label="Crime type",
    )
    marker = django_filters.ChoiceFilter(
        choices=Marker.choices, method="filter_marker", empty_label="Any marker", label="Marker"
    )
    # "My cases" links here, by status (casework.find_views.MyCasesView); the team page by
    # member of staff or the queue, with `work`: the condition that counted the cases.
    allocated = django_filters.ChoiceFilter(
        choices=_allocated_choices, method="filter_allocated", empty_label="Anyone",
        label="Allocated to",
    )
    work = django_filters.ChoiceFilter(
        choices=list(TEAM_COLUMNS.items()), method="filter_work", empty_label="Any",
        label="Work",
    )

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        return OrderedDict((URL_NAMES.get(name, name), f) for name, f in filters.items())

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "govuk-select"
                field.required = False
            else:
                field.widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        if value == "open" or not value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_district(self, queryset, name, value):
        return queryset.filter(person__district="" if value == NOT_RECORDED else value)

    def filter_flow(self, queryset, name, value):
        return in_box(queryset, value)

    # Inclusive dates in local time, with the same bounds as the dashboard's period (the
    # last day of the calendar has no day after it: that bound is no bound).
    def filter_referred_from(self, queryset, name, value):
        try:
            return queryset.filter(referred_at__gte=Period(value, value).bounds()[0])
        except OverflowError:
            return queryset.none()

    def filter_referred_to(self, queryset, name, value):
        try:
            return queryset.filter(referred_at__lt=Period(value, value).bounds()[1])
        except OverflowError:
            return queryset

    def filter_crime_type(self, queryset, name, value):
        if value == NOT_RECORDED:
            return queryset.filter(crime__isnull=True)
        return queryset.filter(crime__crime_type=value)

    def filter_allocated(self, queryset, name, value):
        if value == "none":
            return queryset.filter(allocated_to__isnull=True)
        if value != "me":
            return queryset.filter(allocated_to_id=int(value))
        user = getattr(self.request, "user", None)
        return queryset.filter(allocated_to=user) if user is not None else queryset.none()

    def filter_work(self, queryset, name, value):
        return queryset.filter(team_column(value))

    def filter_marker(self, queryset, name, value):
        return queryset.filter(crime__markers__contains=[value])
