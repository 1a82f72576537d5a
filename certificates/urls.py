"""URLs of e-certificates and their public verification."""

app_name = "certificates"

urlpatterns = []
