from django.http import HttpRequest

from .roles import Role
from .scope import user_scope


def navigation(request: HttpRequest) -> dict:
    scope = user_scope(getattr(request, "user", None))
    return {
        "nav": {
            "children": scope.child_level,
            "access_log": scope.has_role(Role.ADMINISTRATOR),
            "data": scope.has_role(Role.DATA_OFFICER),
            "data_quality": scope.child_level or scope.has_role(Role.COUNCILLOR),
            "reports": reports_available_to(scope),
        }
    }


def reports_available_to(scope) -> bool:
    """Whether any report is open to the scope's roles (cpqa/reports/registry.py)."""
    from cpqa.reports.registry import REPORTS

    return any(scope.has_role(*spec.roles, *spec.aggregate_roles) for spec in REPORTS.values())
