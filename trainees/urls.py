from django.urls import path

from . import views

app_name = "trainees"

urlpatterns = [
    path("<int:pk>/national-id/", views.national_id_reveal, name="national_id_reveal"),
    path("national-id-log/", views.national_id_log, name="national_id_log"),
]
