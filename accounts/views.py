from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import two_factor
from accounts.forms import TokenForm


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
    """First sign-in: link an authenticator app by scanning a QR code and entering a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"/two-factor/?next={_next(request)}")
    device = two_factor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if two_factor.confirm_device(request=request, device=device, token=token):
            return redirect(_next(request))
        form.add_error("token", "That code is not right: check the app shows the Victims' Hub")
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_typing(device),
    }
    return render(request, "registration/two_factor_setup.html", context)
