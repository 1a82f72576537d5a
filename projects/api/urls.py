from rest_framework.routers import SimpleRouter

from . import views

app_name = "projects-api"

router = SimpleRouter()
router.register("projects", views.TrainingProjectViewSet, basename="project")
router.register("records", views.TrainingRecordViewSet, basename="record")

urlpatterns = router.urls
