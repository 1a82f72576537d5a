from rest_framework.routers import SimpleRouter

from . import views

app_name = "institutions-api"

router = SimpleRouter()
router.register("units", views.AdministrativeUnitViewSet, basename="unit")
router.register("schools", views.SchoolViewSet, basename="school")

urlpatterns = router.urls
