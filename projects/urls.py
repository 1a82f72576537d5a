from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new-course/", views.course_new, name="course_new"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/decide/", views.projects_decide, name="projects_decide"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
]
