from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.routers import SimpleRouter

from core.api import ErrorSerializer

from . import correction_views, ledger_views, push_views, views

app_name = "credits-api"

router = SimpleRouter()
router.register("ledger", ledger_views.CreditLedgerEntryViewSet, basename="ledger-entry")
router.register("cycle-progress", ledger_views.CycleProgressViewSet, basename="cycle-progress")
router.register("year-progress", ledger_views.SchoolYearProgressViewSet, basename="year-progress")

# The simulator's answers other than 200, in the schema only (its view is unchanged).
simulate = extend_schema_view(
    post=extend_schema(
        responses={
            200: views.SimulateApi.OutputSerializer,
            400: ErrorSerializer,
            413: ErrorSerializer,
            429: ErrorSerializer,
            500: ErrorSerializer,
            503: ErrorSerializer,
        }
    )
)(views.SimulateApi)

urlpatterns = [
    path("simulate/", simulate.as_view(), name="simulate"),
    path("records/bulk/", push_views.RecordBulkPushApi.as_view(), name="record-bulk-push"),
    path(
        "records/<int:pk>/withdraw/",
        correction_views.RecordWithdrawApi.as_view(),
        name="record-withdraw",
    ),
    path(
        "records/<int:pk>/correct/",
        correction_views.RecordCorrectApi.as_view(),
        name="record-correct",
    ),
    path(
        "teachers/<int:pk>/progress/",
        ledger_views.TeacherProgressApi.as_view(),
        name="teacher-progress",
    ),
    *router.urls,
]
