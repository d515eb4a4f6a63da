"""Settings shared by every kind of cpqa instance, read from the environment.

The modules beside this one (production, demo, test) import from here and set
what differs. Nothing here has a default for a secret: see production.py.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The project folder: cpqa/config/settings/base.py -> parents[3].
BASE_DIR = Path(__file__).resolve().parents[3]

DEFAULT_DATABASE_URL = "sqlite:///var/cpqa.sqlite3"
REGIONS = ("england", "wales")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1 or 0), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL; a relative SQLite path is taken from the project folder."""
    config = dj_database_url.parse(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = config["NAME"]
        if name and name != ":memory:" and not Path(name).is_absolute():
            config["NAME"] = str(BASE_DIR / name)
        config["OPTIONS"] = {
            # WAL lets readers (the web pages) go on while an import writes; a page
            # cache of up to 64 MB (SQLite's default is 2 MB) keeps a large import's
            # indexes in memory (bench/bench_cin_import.py).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    elif engine == "django.db.backends.postgresql":
        config.setdefault("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a sqlite:// or postgres:// address, not {engine!r}"
        )
    return config


CPQA_REGION = os.environ.get("CPQA_REGION", "england").strip().lower()
if CPQA_REGION not in REGIONS:
    raise ImproperlyConfigured(
        f"CPQA_REGION must be one of {', '.join(REGIONS)}, not {CPQA_REGION!r}"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "cpqa.core",
    "cpqa.accounts",
    "cpqa.ingest",
    "cpqa.casework",
    "cpqa.dataquality",
    "cpqa.indicators",
    "cpqa.synthetic",
    "cpqa.operations",
    "cpqa.reports",
    "cpqa.nationalstats",
    "cpqa.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cpqa.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cpqa.core.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes requires: turns a lock-out into cpqa's lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cpqa.config.urls"
WSGI_APPLICATION = "cpqa.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cpqa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cpqa.core.context_processors.service",
                "cpqa.accounts.context_processors.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after inactivity (CPQA_SESSION_MINUTES, 30 by default) and with the browser.
SESSION_COOKIE_AGE = env_int("CPQA_SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CPQA_LOG_LEVEL", "INFO")},
}

# Indicator results, keyed by authority and data version (cpqa/indicators/selectors.py).
# A file cache is shared by every gunicorn worker.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "indicators": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CPQA_CACHE_DIR", "") or str(BASE_DIR / "var" / "cache"),
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# The authority this instance serves, by its DfE local authority code (for
# comparisons with the published statistics) and its name.
CPQA_AUTHORITY_CODE = os.environ.get("CPQA_AUTHORITY_CODE", "")
CPQA_AUTHORITY_NAME = os.environ.get("CPQA_AUTHORITY_NAME", "")
# A real DfE LA code whose region and statistical neighbours an authority that
# is not in the DfE files (the demo's fictional one) borrows for comparisons.
CPQA_COMPARATOR_CODE = os.environ.get("CPQA_COMPARATOR_CODE", "")
CPQA_DEMO = False

# --- Security and reliability (see docs/security.md and docs/operations.md) ---


def lockout_parameters(raw: str) -> list:
    """CPQA_LOCKOUT_BY, e.g. "account,address", as django-axes' lock-out parameters."""
    names = {"account": "username", "address": "ip_address"}
    parameters: list = []
    for item in (part.strip() for part in raw.split(",") if part.strip()):
        keys = [names.get(key.strip()) for key in item.split("+")]
        if None in keys:
            raise ImproperlyConfigured(
                f"CPQA_LOCKOUT_BY lists account, address or account+address, not {item!r}"
            )
        parameters.append(keys[0] if len(keys) == 1 else keys)
    return parameters or ["username", "ip_address"]


# django-axes looks at every sign-in first; the model backend then signs people in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
CSRF_FAILURE_VIEW = "cpqa.accounts.views.csrf_failure"

# Lock-out after CPQA_LOCKOUT_FAILURES failed sign-ins or two-factor codes, for one
# account or from one address (CPQA_LOCKOUT_BY), for CPQA_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env_int("CPQA_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("CPQA_LOCKOUT_MINUTES", 30) / 60  # hours, as axes reads a float
AXES_LOCKOUT_PARAMETERS = lockout_parameters(os.environ.get("CPQA_LOCKOUT_BY", "account,address"))
AXES_RESET_ON_SUCCESS = False  # cpqa resets an account's count once both factors are right
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "cpqa.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cpqa.accounts.lockout.client_address"
# Axes' log lines (logger "axes") name the account and address: what an incident needs.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_VERBOSE = False
# How many reverse proxies in front of cpqa append to X-Forwarded-For (0: none, use
# the connection's address). Set it behind a proxy, or everyone shares one address.
CPQA_PROXY_COUNT = env_int("CPQA_PROXY_COUNT", 0)

# Two-factor sign-in (django-otp): an authenticator app, and one-use recovery codes.
OTP_TOTP_ISSUER = "cpqa"
CPQA_RECOVERY_CODES = 10

# Retention, in years (0 keeps for ever): see `cpqa retention` in docs/operations.md.
# After each import that changes data, compute the reports' figures and charts in
# a background thread, so that the first reader gets them from the cache
# (cpqa.reports.services.reports_warm; docs/performance.md).
CPQA_REPORTS_WARM = env_bool("CPQA_REPORTS_WARM", True)
CPQA_RETAIN_CHILD_YEARS = env_int("CPQA_RETAIN_CHILD_YEARS", 6)
CPQA_RETAIN_IMPORT_RUNS_YEARS = env_int("CPQA_RETAIN_IMPORT_RUNS_YEARS", 2)
CPQA_RETAIN_ACCESS_LOG_YEARS = env_int("CPQA_RETAIN_ACCESS_LOG_YEARS", 7)
CPQA_RETAIN_SIGN_IN_RECORDS_YEARS = env_int("CPQA_RETAIN_SIGN_IN_RECORDS_YEARS", 2)

# Where `cpqa backup` writes when not given --out.
CPQA_BACKUP_DIR = Path(os.environ.get("CPQA_BACKUP_DIR", "") or BASE_DIR / "var" / "backups")
