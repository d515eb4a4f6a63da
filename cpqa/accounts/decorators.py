"""View guards. The selectors enforce scope again: these only turn people away early."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .scope import user_scope


def role_required(*roles: str) -> Callable:
    """Signed in and holding at least one of the roles."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_scope(request.user).has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def child_level_required(view: Callable) -> Callable:
    """Signed in with a role that may see child-level records."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_scope(request.user).child_level:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
