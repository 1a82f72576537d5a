"""URLs of e-certificates and their public verification."""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("certificates/<int:pk>/download/", views.download, name="download"),
]
