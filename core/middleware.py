"""Middleware of the portal."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import check_for_language


class ChineseFirstLocaleMiddleware:
    """Serve Simplified Chinese unless the user chose another language in the footer.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a teacher whose
    phone is set to English would get a half-translated page; the portal is Chinese first and
    English only on request (the language cookie set by the footer's switch).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
