"""The service directory: read by everyone who works cases, changed only by hub managers
(directory.manage_directory)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView, View

from core.choices import LOCAL_DISTRICTS, District
from directory import selectors, services
from directory.forms import SupportServiceForm
from directory.models import Specialism, SupportService

# Who may record a transfer in from another area (intake's transfer page): the directory
# page offers the link to them.
TRANSFER_IN_PERMISSIONS = ("cases.view_casework", "cases.work_case", "cases.allocate_case")
# Referrals still open with a service (sent or accepted): a manager is told before it goes.
OPEN_REFERRAL_STATUSES = ("sent", "accepted")


# -- The service directory ---------------------------------------------------------------


class DirectoryView(PermissionRequiredMixin, TemplateView):
    """The services the hub refers and signposts to: what each does, who commissions it,
    where it works and how to refer (service specification: "an online directory of
    services with which the Victims' Hub works")."""

    permission_required = "cases.view_casework"
    template_name = "directory/directory.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        can_manage = self.request.user.has_perm("directory.manage_directory")
        specialism = get.get("specialism", "")
        district = get.get("district", "")
        specialism = specialism if specialism in Specialism.values else ""
        district = district if district in District.values else ""
        include_inactive = can_manage and get.get("inactive") == "1"
        services_ = list(
            selectors.directory(
                include_inactive=include_inactive,
                specialism=specialism,
                district=district,
                q=get.get("q", "")[:100],
            )
        )
        context.update(
            services=services_,
            can_manage=can_manage,
            can_record_transfer=self.request.user.has_perms(TRANSFER_IN_PERMISSIONS),
            specialisms=Specialism.choices,
            districts=LOCAL_DISTRICTS,
            specialism=specialism,
            district=district,
            q=get.get("q", "")[:100],
            include_inactive=include_inactive,
            filtered=bool(specialism or district or get.get("q")),
        )
        return context


class ServiceFormMixin(PermissionRequiredMixin):
    permission_required = ("cases.view_casework", "directory.manage_directory")
    template_name = "directory/service_form.html"
    form_class = SupportServiceForm

    def form_valid(self, form):
        service = form.save(commit=False)
        services.save_service(service=service, by=self.request.user)
        messages.success(self.request, f"{service.name} is saved in the directory.")
        return redirect("directory:directory")


class ServiceCreateView(ServiceFormMixin, FormView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Add a service", **kwargs)


class ServiceUpdateView(ServiceFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.service = get_object_or_404(SupportService, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.service}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"Change {self.service.name}", service=self.service, **kwargs
        )


class ServiceDeactivateView(PermissionRequiredMixin, TemplateView):
    """Ask, then take a service out of the directory: no new referrals go to it; the
    referrals already made and the consents recorded for it stay."""

    permission_required = ("cases.view_casework", "directory.manage_directory")
    template_name = "directory/service_deactivate.html"

    def dispatch(self, request, *args, **kwargs):
        self.service = get_object_or_404(SupportService, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            service=self.service,
            open_referrals=self.service.referrals.filter(status__in=OPEN_REFERRAL_STATUSES).count(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        services.set_service_active(service=self.service, active=False, by=request.user)
        messages.success(request, f"{self.service.name} has been deactivated.")
        return redirect("directory:directory")


class ServiceReactivateView(PermissionRequiredMixin, View):
    permission_required = ("cases.view_casework", "directory.manage_directory")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        service = get_object_or_404(SupportService, pk=kwargs["pk"])
        services.set_service_active(service=service, active=True, by=request.user)
        messages.success(request, f"{service.name} is back in the directory.")
        return redirect("directory:directory")
