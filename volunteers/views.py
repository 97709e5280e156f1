"""Volunteer pages: the pool for managers, allocation on a case for VCCs and managers, and the
volunteer's own visits (only their victims, only what the visits need)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from audit.case_views import CaseWorkMixin
from audit.models import AccessAction
from audit.services import record_access
from core.errors import DomainError
from core.forms import add_error_to_form
from volunteers import hours, selectors, services
from volunteers.forms import (
    EndAllocationForm,
    LogHoursForm,
    NewVolunteerForm,
    VolunteerProfileForm,
)
from volunteers.models import Volunteer, VolunteerAllocation

MANAGE = "cases.allocate_case"
VISIT = "volunteers.visit_victims"


# --- The pool (hub managers) ---------------------------------------------------------------


class PoolView(PermissionRequiredMixin, TemplateView):
    """The volunteers, and the pool checked rule by rule against the service specification."""

    permission_required = MANAGE
    template_name = "volunteers/pool.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            figures=services.pool_against_specification(),
            volunteers=selectors.pool_rows(),
        )
        return context


class VolunteerCreateView(PermissionRequiredMixin, FormView):
    permission_required = MANAGE
    template_name = "volunteers/volunteer_form.html"
    form_class = NewVolunteerForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Add a volunteer", **kwargs)

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            volunteer = services.create_volunteer(
                details=form.to_details(),
                by=self.request.user,
                user=d["existing_user"],
                username=d["username"].strip(),
                password=d["password"],
                first_name=d["first_name"].strip(),
                last_name=d["last_name"].strip(),
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{volunteer} has been added to the volunteer pool.")
        return redirect("volunteers:pool")


class VolunteerEditView(PermissionRequiredMixin, FormView):
    permission_required = MANAGE
    template_name = "volunteers/volunteer_form.html"
    form_class = VolunteerProfileForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.volunteer = get_object_or_404(
                Volunteer.objects.select_related("user"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return VolunteerProfileForm.initial_from(self.volunteer)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"Edit {self.volunteer}", volunteer=self.volunteer, **kwargs
        )

    def form_valid(self, form):
        try:
            services.update_volunteer(
                volunteer=self.volunteer, details=form.to_details(), by=self.request.user
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.volunteer}'s profile has been saved.")
        return redirect("volunteers:pool")


# --- Allocation on a case (VCCs and managers) ----------------------------------------------


class AllocateVolunteerView(CaseWorkMixin, TemplateView):
    """The suggested volunteers for this victim (language, then district, then load), each
    with an Allocate button."""

    template_name = "volunteers/allocate.html"
    read_detail = "allocate a volunteer"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, person = self.case, self.case.person
        suggestions = list(services.suggest_volunteers(case=case))
        current = (
            VolunteerAllocation.objects.filter(case=case, active=True)
            .select_related("volunteer__user")
            .first()
        )
        context.update(
            case=case,
            person=person,
            suggestions=suggestions,
            current=current,
            not_shown=Volunteer.objects.active().count() - len(suggestions),
        )
        return context

    def post(self, request, *args, **kwargs):
        volunteer_id = request.POST.get("volunteer", "")
        volunteer = get_object_or_404(
            Volunteer.objects.select_related("user"),
            pk=int(volunteer_id) if volunteer_id.isdigit() else 0,
        )
        try:
            services.allocate_volunteer(case=self.case, volunteer=volunteer, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("volunteers:allocate", case_pk=self.case.pk)
        messages.success(
            request,
            f"{volunteer} will give {self.case.person.first_name} face-to-face support.",
        )
        return self.back_to_case(anchor="volunteer")


class AllocationMixin(CaseWorkMixin):
    """A volunteer's allocation on the case of the URL (404 otherwise)."""

    def load(self, **kwargs) -> None:
        self.allocation = get_object_or_404(
            VolunteerAllocation.objects.select_related("volunteer__user", "case__person"),
            pk=kwargs["pk"],
            case=self.case,
        )


class EndAllocationView(AllocationMixin, FormView):
    """Confirm, with an optional reason, that a volunteer's support of a victim ends."""

    template_name = "volunteers/end_allocation.html"
    form_class = EndAllocationForm
    read_detail = "end a volunteer allocation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(allocation=self.allocation)
        return context

    def form_valid(self, form):
        allocation = self.allocation
        try:
            services.end_allocation(
                allocation=allocation, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, f"{allocation.volunteer}'s allocation has ended.")
        return self.back_to_case(anchor="volunteer")


class StaffLogHoursView(AllocationMixin, FormView):
    """A VCC or manager logs hours on a volunteer's behalf."""

    template_name = "volunteers/log_hours.html"
    form_class = LogHoursForm
    read_detail = "log a volunteer's hours"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Log the hours"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allocation = self.allocation
        context.update(
            allocation=allocation, hours=hours.hours_rows(allocation.pk, self.request.user)
        )
        return context

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            services.log_hours(
                allocation=self.allocation,
                by=self.request.user,
                on=d["date"],
                hours=d["hours"],
                notes=d["notes"].strip(),
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        logged = services.hours_text(d["hours"])
        messages.success(self.request, f"{logged} hours logged for {self.allocation.volunteer}.")
        return self.back_to_case(anchor="volunteer")


# --- The volunteer's own pages ------------------------------------------------------------


class MyVisitsView(PermissionRequiredMixin, TemplateView):
    """The victims allocated to this volunteer, with only what the visits need."""

    permission_required = VISIT
    template_name = "volunteers/my_visits.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.visits_for(self.request.user)
        if rows:
            record_access(
                request=self.request,
                action=AccessAction.LIST,
                case_ids=[case_id for _, case_id, _ in rows],
                person_ids=[person_id for _, _, person_id in rows],
                detail="volunteer: my visits",
            )
        context.update(
            visits=[visit for visit, _, _ in rows],
            profile=Volunteer.objects.filter(user=self.request.user).first(),
        )
        return context


class VisitView(PermissionRequiredMixin, FormView):
    """One victim's visit details, and the hours the volunteer logs for them. Another
    volunteer's allocation does not exist here (404)."""

    permission_required = VISIT
    template_name = "volunteers/visit.html"
    form_class = LogHoursForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            row = selectors.visit_for(request.user, kwargs["pk"])
            if row is None:
                raise Http404("No such visit")
            self.visit, self.case_id, self.person_id = row
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            case_ids=[self.case_id],
            person_ids=[self.person_id],
            detail="volunteer: visit",
        )
        context.update(
            visit=self.visit,
            hours=hours.hours_rows(self.visit.allocation_id, self.request.user),
        )
        return context

    def form_valid(self, form):
        d = form.cleaned_data
        allocation = VolunteerAllocation.objects.only("pk").get(pk=self.visit.allocation_id)
        try:
            services.log_hours(
                allocation=allocation,
                by=self.request.user,
                on=d["date"],
                hours=d["hours"],
                notes=d["notes"].strip(),
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        logged = services.hours_text(d["hours"])
        messages.success(self.request, f"{logged} hours logged. Thank you.")
        return redirect("volunteers:visit", pk=self.visit.allocation_id)
