"""URL configuration of 学分通."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import views

admin.site.site_header = _("学分通 · 教师继续教育学分管理")
admin.site.site_title = _("学分通管理后台")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("institutions.login_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own login would skip the portal's code step: every login goes through ours.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("credits/", include("credits.urls")),
    path("projects/", include("projects.urls")),
    path("records/import/", include("imports.urls")),
    path("records/", include("credits.record_urls")),
    path("teachers/", include("trainees.urls")),
    path("notices/", include("notices.urls")),
    path("", include("certificates.urls")),
]

# JSON in the API's error shape under /api/, Django's own pages elsewhere (core/exceptions.py).
handler400 = "core.exceptions.bad_request"
handler403 = "core.exceptions.permission_denied"
handler404 = "core.exceptions.page_not_found"
handler500 = "core.exceptions.server_error"
