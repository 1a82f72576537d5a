"""URLs of the Excel import of training records (mounted at /records/import/)."""

app_name = "imports"

urlpatterns = []
