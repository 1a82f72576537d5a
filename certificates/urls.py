"""URLs of e-certificates and their public verification."""

from django.urls import path

from . import progress_views, views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("certificates/<int:pk>/download/", views.download, name="download"),
    path("progress/", progress_views.my_progress, name="my_progress"),
    path(
        "teachers/<int:pk>/progress/",
        progress_views.teacher_progress_page,
        name="teacher_progress",
    ),
    path(
        "teachers/<int:pk>/year-proof/<str:year>/",
        progress_views.year_proof,
        name="year_proof",
    ),
]
