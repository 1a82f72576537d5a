"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from notices.selectors import unread_count

from .navigation import navigation_for


def navigation(request):
    """Give base.html the current user's menu and the bell's unread count."""
    user = getattr(request, "user", None)
    return {
        "nav_items": navigation_for(user) if user is not None else [],
        # Lazy: pages that do not show the bell (the PDF, error pages) run no query.
        "unread_notices": SimpleLazyObject(lambda: unread_count(user)),
    }
