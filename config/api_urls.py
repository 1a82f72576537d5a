"""The REST API under /api/v1/: one include per app, plus the OpenAPI schema and its viewers.

Swagger UI and ReDoc load their assets from drf-spectacular-sidecar, served here, so the docs
work on a machine with no internet access.
"""

from pathlib import Path

import drf_spectacular_sidecar
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.static import serve
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

SIDECAR = Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
ASSETS = "/api/v1/docs/assets"


# Swagger UI and ReDoc set styles from their bundles; their scripts stay same-origin files
# (the split view serves Swagger's start-up script as a file, not inline).
_DOCS_STYLES = method_decorator(csp_update({"style-src": [UNSAFE_INLINE]}), name="dispatch")


@_DOCS_STYLES
class SwaggerView(SpectacularSwaggerSplitView):
    @staticmethod
    def _swagger_ui_resource(filename):
        return f"{ASSETS}/swagger-ui-dist/{filename}"

    @staticmethod
    def _swagger_ui_favicon():
        return f"{ASSETS}/swagger-ui-dist/favicon-32x32.png"


@_DOCS_STYLES
class RedocView(SpectacularRedocView):
    @staticmethod
    def _redoc_standalone():
        return f"{ASSETS}/redoc/bundles/redoc.standalone.js"


urlpatterns = [
    path("", include("credits.api.urls")),
    path("", include("institutions.api.urls")),
    path("", include("trainees.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("certificates.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    re_path(
        r"^docs/assets/(?P<path>(?:swagger-ui-dist|redoc)/[\w./-]+)$",
        cache_control(max_age=86400, public=True)(serve),
        {"document_root": SIDECAR},
        name="api-docs-assets",
    ),
]
