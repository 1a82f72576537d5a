"""Model-permission checks for pages; which rows a user reaches is restrict()'s business."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from institutions.jurisdiction import permission_for


def can(user, model, action: str) -> bool:
    """Return whether `user`'s role allows `action` on `model` at all (rows aside)."""
    return user.is_authenticated and user.has_perm(permission_for(model, action))


def requires(model, action: str):
    """Let a view run only for users whose role allows `action` on `model`; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, model, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
