"""Template context shared by every page."""

from .navigation import navigation_for


def navigation(request):
    """Give base.html the current user's menu."""
    user = getattr(request, "user", None)
    return {"nav_items": navigation_for(user) if user is not None else []}
