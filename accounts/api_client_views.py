"""API clients for hub managers (issue 13): list them, create one (its token shown once),
change when its token expires, revoke it. The same services back `manage.py api_clients`."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.generic import TemplateView, View

from accounts.models import ApiClient
from accounts.roles import Role
from accounts.services import (
    API_CLIENT_ROLES,
    MAX_EXPIRY_DAYS,
    api_clients,
    create_api_client,
    revoke_api_client,
    set_api_client_expiry,
)
from core.errors import DomainError
from core.forms import add_error_to_form

PERMISSION = "accounts.manage_api_clients"


def _days_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=0, max_value=MAX_EXPIRY_DAYS,
        error_messages={
            "required": "Enter the number of days the token lasts",
            "invalid": "Enter the number of days as a whole number",
            "min_value": "Enter 0 or more days",
            "max_value": f"Enter {MAX_EXPIRY_DAYS} days or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        **kwargs,
    )


class NewClientForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100,
        help_text="Who uses it, e.g. \"Cambridgeshire crime system\" or \"OPCC analysts\".",
        error_messages={"required": "Enter the client's name"},
    )
    role = forms.ChoiceField(
        label="What it may do", widget=forms.RadioSelect,
        choices=[(str(r), Role(r).label) for r in API_CLIENT_ROLES],
        error_messages={"required": "Choose what the client may do"},
    )
    days = _days_field(label="Token lasts (days)", initial=365,
                       help_text="0 for a token that never expires.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"), Field.radios("role", legend_size="s"),
            Field.text("days", field_width=4),
            Submit("submit", "Create the client"),
        )


class ExpiryForm(forms.Form):
    days = _days_field(label="Expires in (days from today)")


class ApiClientListView(PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "accounts/api_clients.html"

    def get_context_data(self, **kwargs):
        clients = list(api_clients())
        for client in clients:
            client.role_label = Role(client.role).label
        return super().get_context_data(clients=clients, **kwargs)


class ApiClientCreateView(PermissionRequiredMixin, View):
    permission_required = PERMISSION

    def get(self, request):
        return TemplateResponse(request, "accounts/api_client_new.html",
                                {"form": NewClientForm()})

    def post(self, request):
        form = NewClientForm(request.POST)
        if form.is_valid():
            try:
                client, key = create_api_client(
                    name=form.cleaned_data["name"], role=form.cleaned_data["role"],
                    created_by=request.user, expires_in_days=form.cleaned_data["days"] or None,
                )
            except DomainError as error:
                add_error_to_form(form, error)
            else:
                # The token once, on this response only: never stored, never in a URL.
                response = TemplateResponse(request, "accounts/api_client_token.html",
                                            {"client": client, "key": key})
                response["Cache-Control"] = "no-store"
                return response
        return TemplateResponse(request, "accounts/api_client_new.html", {"form": form})


class ApiClientRevokeView(PermissionRequiredMixin, View):
    permission_required = PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk):
        client = get_object_or_404(ApiClient, pk=pk)
        if revoke_api_client(client=client, by=request.user):
            messages.success(request,
                             f"{client.name} is revoked: its token is refused from now on.")
        else:
            messages.info(request, f"{client.name} was revoked already.")
        return redirect("api_clients:list")


class ApiClientExpiryView(PermissionRequiredMixin, View):
    permission_required = PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk):
        client = get_object_or_404(ApiClient, pk=pk)
        form = ExpiryForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["days"][0])
            return redirect("api_clients:list")
        try:
            client = set_api_client_expiry(client=client, days=form.cleaned_data["days"] or None,
                                           by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            when = (f"on {client.expires_at:%-d %B %Y}" if client.expires_at else "never")
            messages.success(request, f"{client.name}'s token now expires {when}.")
        return redirect("api_clients:list")
