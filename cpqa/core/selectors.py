from .models import Authority, DataVersion


def data_version_get(*, authority: Authority) -> int:
    row = DataVersion.objects.filter(authority=authority).values_list("version", flat=True)
    return next(iter(row), 0)
