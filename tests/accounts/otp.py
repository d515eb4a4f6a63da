"""Real TOTP devices and the codes an authenticator app would show, for tests."""

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator-app device, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """A code the device will accept now, as the app computes it from the secret.

    A code is accepted once (django-otp remembers the last time step used), so
    when this time step's code has been used, this is the next step's (within
    the one step of clock drift the device allows), or, failing that, it waits.
    """
    device.refresh_from_db()
    while True:
        now = int(time.time() - device.t0) // device.step + device.drift
        step = max(now, device.last_t + 1)
        if step <= now + device.tolerance:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(0.2)
