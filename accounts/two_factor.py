"""Setting up and using a TOTP authenticator app (django-otp)."""

from __future__ import annotations

import base64

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (allowed by our CSP). The SVG
    carries its namespace: an <img> shows no SVG without one (issue 13)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def secret_for_typing(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


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
