from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from accounts import enrolment, two_factor
from accounts.forms import TokenForm
from core.errors import DomainError


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/home/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/home/"


def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if request.user.is_verified():
        return redirect(_next(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"/two-factor/setup/?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", "That code is not right or has expired: enter the current code")
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


def two_factor_setup(request):
    """Link an authenticator app: only in the browser session that opened a hub manager's
    enrolment link (accounts/enrolment.py). Without one, "Ask a hub manager" and no key."""
    if enrolment.has_authenticator(request.user):
        return redirect(f"/two-factor/?next={_next(request)}")
    invite = enrolment.held_invite(request)
    if invite is None:
        return render(request, "registration/enrolment_needed.html", {})
    device = invite.device
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if enrolment.complete(request=request, invite=invite, token=token):
            return redirect(_next(request))
        form.add_error("token", "That code is not right: check the app shows the Victims' Hub")
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_typing(device),
    }
    return render(request, "registration/two_factor_setup.html", context)


@require_GET
def enrol(request, token: str):
    """A hub manager's enrolment link, opened after signing in with the password: this
    browser session holds it, then sets up the app."""
    if enrolment.has_authenticator(request.user):
        return redirect("/home/")
    try:
        enrolment.claim(request=request, token=token)
    except DomainError as error:
        context = {"refusal": error.message}
        return render(request, "registration/enrolment_needed.html", context, status=403)
    return redirect("accounts:two_factor_setup")


@require_GET
def ask_manager(request):
    """"Ask a hub manager": how to get an enrolment link, or a reset when the phone is lost."""
    return render(request, "registration/enrolment_needed.html", {})
