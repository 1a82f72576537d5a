from rest_framework.routers import SimpleRouter

from . import views

app_name = "certificates-api"

router = SimpleRouter()
router.register("certificates", views.CertificateViewSet, basename="certificate")

urlpatterns = router.urls
