"""Possible matches on the case page lead here: two person records side by side, merged by a
VCC or manager with a reason (cases.people.merge_people), and undone within the period
(cases.people.undo_merge)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import FormView

from accounts.roles import is_manager
from audit.case_views import CaseWorkMixin
from cases.models import Person, PersonMerge
from cases.people import (
    has_restricted_case,
    may_merge,
    may_undo,
    merge_people,
    offered_details,
    older_first,
    undo_deadline,
    undo_merge,
)
from casework.people_forms import MergePeopleForm, UndoMergeForm
from casework.people_selectors import merge_of, possible_matches, sees_every_case_of
from core.errors import DomainError
from core.forms import add_error_to_form

# What the side-by-side table shows of each record.
SHOWN = (
    ("first_name", "First name"), ("last_name", "Last name"), ("date_of_birth", "Date of birth"),
    ("police_person_id", "Police person id"), ("gender", "Gender"), ("ethnicity", "Ethnicity"),
    ("nationality", "Nationality"), ("first_language", "First language"), ("phone", "Phone"),
    ("email", "Email"), ("address_line1", "Address"), ("address_line2", "Address line 2"),
    ("town", "Town"), ("postcode", "Postcode"), ("district", "District"),
    ("safe_to_call", "Safe to call"), ("safe_to_write", "Safe to write"),
    ("may_leave_message", "May leave a message"),
)


def _shown(person: Person, name: str):
    """A detail as the case page words it: labels for choices and languages, Yes or No."""
    if name == "first_language":
        return person.first_language_label
    display = getattr(person, f"get_{name}_display", None)
    value = display() if display else getattr(person, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


class MergePeopleView(CaseWorkMixin, FormView):
    """The case's person and one of their possible matches, side by side; the older record
    is kept. Only for a user who may open every case of both (a VCC never sees a restricted
    record this way), and where either has a restricted case only for a manager."""

    template_name = "people/merge.html"
    form_class = MergePeopleForm
    read_detail = "person merge"

    def load(self, **kwargs) -> None:
        person = self.case.person
        match = next((p for p in possible_matches(person, self.request.user)
                      if p.pk == kwargs["person_pk"]), None)
        if match is None or not sees_every_case_of(self.request.user, person, match):
            raise Http404("No such possible match")
        if not may_merge(self.request.user, person, match):
            raise PermissionDenied("Only a hub manager can merge records with a restricted case.")
        self.keep, self.merge = older_first(person, match)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        labels = dict(SHOWN)
        kwargs["offered"] = [(name, f"{labels[name]}: {_shown(self.merge, name)}")
                             for name in offered_details(self.keep, self.merge)]
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            keep=self.keep, merge=self.merge,
            rows=[(label, _shown(self.keep, n), _shown(self.merge, n)) for n, label in SHOWN],
            restricted=has_restricted_case(self.keep, self.merge),
        )
        return context

    def form_valid(self, form):
        try:
            merge_people(keep=self.keep, merge=self.merge, by=self.request.user,
                         reason=form.cleaned_data["reason"], take=form.cleaned_data["take"])
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Merged: {self.merge.full_name}'s cases are now on "
                                       f"one record with {self.keep.full_name}'s.")
        return self.back_to_case()


class UndoMergeView(CaseWorkMixin, FormView):
    """Undo a merge into the case's person: a manager or the VCC who merged, within the
    period (PERSON_MERGE_UNDO_DAYS); after it, the page says so and the undo is refused."""

    template_name = "people/undo_merge.html"
    form_class = UndoMergeForm
    read_detail = "person merge undo"
    merge: PersonMerge

    def load(self, **kwargs) -> None:
        merge = merge_of(self.case.person, kwargs["merge_pk"]).first()
        if merge is None:
            raise Http404("No such merge")
        user = self.request.user
        if not (is_manager(user) or user.pk == merge.by_id):
            raise PermissionDenied("Only a hub manager or the person who merged can undo it.")
        self.merge = merge

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(merge=self.merge, deadline=undo_deadline(self.merge),
                       can_undo=may_undo(self.request.user, self.merge))
        return context

    def form_valid(self, form):
        try:
            undo_merge(merge=self.merge, by=self.request.user,
                       reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Merge undone: {self.merge.merged.full_name}'s "
                                       "cases are on their own record again.")
        return self.back_to_case()
