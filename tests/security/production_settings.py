"""The production settings, for tests that run cpqa in a subprocess.

Only how static files are found differs: straight from the source folders, as
in the demo, instead of from `collectstatic`'s compressed copies (which take
a minute and a half to make). Every security setting tested is production's own.
"""

from cpqa.config.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
