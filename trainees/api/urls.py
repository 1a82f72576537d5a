from rest_framework.routers import SimpleRouter

from . import views

app_name = "trainees-api"

router = SimpleRouter()
router.register("teachers", views.TeacherViewSet, basename="teacher")

urlpatterns = router.urls
