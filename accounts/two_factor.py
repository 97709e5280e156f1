"""Setting up and using a TOTP authenticator app (django-otp)."""

from __future__ import annotations

import base64

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

DEVICE_NAME = "Authenticator app"


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (created once, so the QR code stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (allowed by our CSP). The SVG
    carries its namespace: an <img> shows no SVG without one (issue 13)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def secret_for_typing(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_device(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator with a code from it; the session is then verified."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    _verified(request, device)
    return True


def _verified(request, device: TOTPDevice) -> None:
    """The session passed the second factor: a new session key from here on, so a key seen
    before the code was entered (fixation) opens nothing (issue 13)."""
    request.session.cycle_key()
    otp_login(request, device)


def verify(*, request, token: str) -> bool:
    """Check a code against the user's confirmed authenticators."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(token):
            _verified(request, device)
            return True
    return False
