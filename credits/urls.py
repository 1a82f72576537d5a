from django.urls import path, re_path
from django.views.generic import RedirectView

from . import dashboard_views, oversight_views, record_views, views

app_name = "credits"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    # Records' pages moved to /records/ (credits/record_urls.py): old links and bookmarks land
    # on the same page. Only GET is redirected; forms post to the new addresses.
    path("records/", RedirectView.as_view(pattern_name="records:list", query_string=True)),
    path(
        "records/<int:pk>/",
        RedirectView.as_view(pattern_name="records:detail", query_string=True),
    ),
    path("approvals/", record_views.approval_queue, name="approval_queue"),
    path("approvals/decide/", record_views.records_decide, name="records_decide"),
    path("ledger/", record_views.ledger, name="ledger"),
    path("overview/", oversight_views.overview_home, name="overview"),
    path("overview/teachers/", oversight_views.teacher_list, name="teacher_list"),
    path("overview/school/<int:pk>/", oversight_views.school_overview, name="school_overview"),
    re_path(r"^overview/(?P<code>\d{6})/$", oversight_views.unit_overview, name="unit_overview"),
    re_path(
        r"^overview/(?P<code>\d{6})/report/$",
        oversight_views.annual_report,
        name="annual_report",
    ),
    path("anomalies/", dashboard_views.anomalies, name="anomalies"),
    path("anomalies/<int:pk>/resolve/", dashboard_views.anomaly_resolve, name="anomaly_resolve"),
    path("projects/<int:project_pk>/enrol/", record_views.project_enrol, name="project_enrol"),
    path(
        "projects/<int:project_pk>/results/", record_views.project_results, name="project_results"
    ),
]
