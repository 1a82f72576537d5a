"""URLs of the Excel import of training records (mounted at /records/import/)."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("confirm/", views.confirm, name="confirm"),
    path("<str:upload_id>/", views.preview, name="preview"),
    path("<str:upload_id>/status/", views.status, name="status"),
    path("<str:upload_id>/report.xlsx", views.report, name="report"),
]
