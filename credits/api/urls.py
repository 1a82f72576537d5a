from django.urls import path

from . import views

app_name = "credits-api"

urlpatterns = [path("simulate/", views.SimulateApi.as_view(), name="simulate")]
