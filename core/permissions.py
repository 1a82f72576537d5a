"""Model-permission checks for pages; which rows a user reaches is restrict()'s business."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models


def permission_for(model: type[models.Model], action: str) -> str:
    """Return the Django permission name for `action` on `model` ("trainees.view_teacher")."""
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def can(user, model, action: str) -> bool:
    """Return whether `user`'s role allows `action` on `model` at all (rows aside)."""
    return user.is_authenticated and user.has_perm(permission_for(model, action))


def requires(model, action: str):
    """Let a view run only for users whose role allows `action` on `model`; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                # Imported here: auth's views load the user model, and models import this module.
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not can(request.user, model, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
