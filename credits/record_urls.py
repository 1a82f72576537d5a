"""URLs of training records' pages, mounted at /records/ (the Excel import is /records/import/)."""

from django.urls import path

from . import correction_views, record_views

app_name = "records"

urlpatterns = [
    path("", record_views.record_list, name="list"),
    path("new/", record_views.record_new, name="new"),
    path("declare/", record_views.records_declare, name="declare"),
    path("<int:pk>/", record_views.record_detail, name="detail"),
    path("<int:pk>/edit/", record_views.record_edit, name="edit"),
    path("<int:pk>/correct/", correction_views.record_correct, name="correct"),
    path("withdraw/", correction_views.records_withdraw, name="withdraw"),
]
