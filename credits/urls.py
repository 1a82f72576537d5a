from django.urls import path

from . import views

app_name = "credits"

urlpatterns = [path("calculator/", views.calculator, name="calculator")]
