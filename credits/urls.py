from django.urls import path

from . import dashboard_views, record_views, views

app_name = "credits"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("records/", record_views.record_list, name="record_list"),
    path("records/new/", record_views.record_new, name="record_new"),
    path("records/declare/", record_views.records_declare, name="records_declare"),
    path("records/<int:pk>/", record_views.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", record_views.record_edit, name="record_edit"),
    path("approvals/", record_views.approval_queue, name="approval_queue"),
    path("approvals/decide/", record_views.records_decide, name="records_decide"),
    path("ledger/", record_views.ledger, name="ledger"),
    path("overview/", dashboard_views.overview, name="overview"),
    path("anomalies/", dashboard_views.anomalies, name="anomalies"),
    path("anomalies/<int:pk>/resolve/", dashboard_views.anomaly_resolve, name="anomaly_resolve"),
    path("projects/<int:project_pk>/enrol/", record_views.project_enrol, name="project_enrol"),
    path(
        "projects/<int:project_pk>/results/", record_views.project_results, name="project_results"
    ),
]
