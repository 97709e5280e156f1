"""Correcting and removing logged volunteer hours (issue 16): the volunteer on their own
visit's page, a hub manager (or a VCC, who is told only a manager may) from the case. Who may
is volunteers.hours.change_refusal's to say; a page that may not change the hours says why
and shows no form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView

from accounts.roles import is_manager
from audit.models import AccessAction
from audit.services import record_access
from core.errors import DomainError
from core.forms import add_error_to_form
from volunteers import hours, selectors, services
from volunteers.forms import CorrectHoursForm, RemoveHoursForm
from volunteers.models import VolunteerHours
from volunteers.views import VISIT, AllocationMixin


class HoursChangeMixin:
    """One entry of hours, corrected (`remove` False) or removed. Subclasses load
    `self.entry` and say where the user goes back to."""

    remove = False
    entry: VolunteerHours

    def get_form_class(self):
        return RemoveHoursForm if self.remove else CorrectHoursForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "manager": is_manager(self.request.user)}

    def get_initial(self):
        entry = self.entry
        return {"date": entry.date.isoformat(), "hours": services.hours_text(entry.hours),
                "notes": entry.notes}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            entry=self.entry, remove=self.remove,
            refusal=hours.change_refusal(self.entry, self.request.user),
            back=self.back_url(), remove_url=self.url("remove"),
        )
        return context

    def form_valid(self, form):
        d, user = form.cleaned_data, self.request.user
        try:
            if self.remove:
                hours.remove_hours(entry=self.entry, by=user, reason=d["reason"])
            else:
                hours.correct_hours(entry=self.entry, by=user, on=d["date"], hours=d["hours"],
                                    notes=d["notes"], reason=d["reason"])
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The hours were removed." if self.remove
                         else "The correction is saved.")
        return redirect(self.back_url())


class StaffHoursChangeView(HoursChangeMixin, AllocationMixin, FormView):
    """From the case: a hub manager corrects or removes a volunteer's hours at any time."""

    template_name = "volunteers/change_hours.html"
    read_detail = "change a volunteer's hours"

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        self.entry = get_object_or_404(
            VolunteerHours.objects.select_related("allocation__volunteer"),
            pk=kwargs["hours_pk"], allocation=self.allocation,
        )

    def back_url(self) -> str:
        return reverse("volunteers:log_hours", args=[self.case.pk, self.allocation.pk])

    def url(self, what: str) -> str:
        return reverse(f"volunteers:{what}_hours",
                       args=[self.case.pk, self.allocation.pk, self.entry.pk])


class VisitHoursChangeView(HoursChangeMixin, PermissionRequiredMixin, FormView):
    """On the volunteer's visit: they correct or remove hours they logged, within 7 days.
    Another volunteer's visit or hours do not exist here (404)."""

    permission_required = VISIT
    template_name = "volunteers/change_hours.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            row = selectors.visit_for(request.user, kwargs["pk"])
            if row is None:
                raise Http404("No such visit")
            self.visit, self.case_id, self.person_id = row
            self.entry = get_object_or_404(
                VolunteerHours.objects.select_related("allocation__volunteer"),
                pk=kwargs["hours_pk"], allocation_id=self.visit.allocation_id,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        record_access(
            request=self.request, action=AccessAction.VIEW, case_ids=[self.case_id],
            person_ids=[self.person_id], detail="volunteer: change hours",
        )
        return {**super().get_context_data(**kwargs), "visit": self.visit}

    def back_url(self) -> str:
        return reverse("volunteers:visit", args=[self.visit.allocation_id])

    def url(self, what: str) -> str:
        return reverse(f"volunteers:{what}_my_hours",
                       args=[self.visit.allocation_id, self.entry.pk])
