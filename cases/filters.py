import django_filters
from django import forms

from cases.choices import District, Route
from cases.workflow import OPEN_STATUSES, CaseStatus

STATUS_CHOICES = [("open", "All open cases"), ("all", "All cases")] + CaseStatus.choices


class CaseFilter(django_filters.FilterSet):
    """Filters for the case list. Names and other personal data are never filter values:
    they would end up in URLs (search is posted instead)."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label=None, label="Status"
    )
    route = django_filters.ChoiceFilter(choices=Route.choices, empty_label="Any route")
    district = django_filters.ChoiceFilter(
        field_name="person__district", choices=District.choices, empty_label="Any district",
        label="District",
    )

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "govuk-select"
            if isinstance(field.widget, forms.Select):
                field.required = False

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        if value == "open" or not value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)
