from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Authority, DataVersion

NO_AUTHORITY_CONFIGURED = (
    "No authority is set up. Set CPQA_AUTHORITY_CODE and CPQA_AUTHORITY_NAME "
    "(see sample.env) or load the demo with `cpqa demo`."
)


def authority_current() -> Authority:
    """The authority this instance serves, created from the settings on first use."""
    authority = Authority.objects.order_by("pk").first()
    if authority is not None:
        return authority
    code, name = settings.CPQA_AUTHORITY_CODE, settings.CPQA_AUTHORITY_NAME
    if not code or not name:
        raise ImproperlyConfigured(NO_AUTHORITY_CONFIGURED)
    nation = "wales" if settings.CPQA_REGION == "wales" else "england"
    authority, _ = Authority.objects.get_or_create(
        code=code, defaults={"name": name, "nation": nation}
    )
    return authority


def data_version_bump(*, authority: Authority) -> int:
    """Raise the authority's data version; call inside the writing transaction."""
    with transaction.atomic():
        version, _ = DataVersion.objects.get_or_create(authority=authority)
        DataVersion.objects.filter(pk=version.pk).update(
            version=F("version") + 1, changed_at=timezone.now()
        )
        version.refresh_from_db()
    return version.version
