"""Production settings: every secret from the environment, HTTPS only."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_int

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment to a random value of 50 or more "
        "characters (see sample.env). Only the demo and test settings have one of their own."
    )

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("CPQA_SSL_REDIRECT", "true").lower() != "false"
SECURE_HSTS_SECONDS = env_int("CPQA_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production is always behind an HTTPS proxy, which appends the client's address
# to X-Forwarded-For: the lock-out counts by that address, not the proxy's.
CPQA_PROXY_COUNT = env_int("CPQA_PROXY_COUNT", 1)
