"""Officers mark the audit's findings handled."""

from django.db import transaction
from django.utils import timezone

from ..models import AuditAnomaly


@transaction.atomic
def resolve_anomaly(*, anomaly_id: int, by) -> bool:
    """Mark one anomaly in `by`'s jurisdiction handled, with who and when.

    Return False when it was already handled. An anomaly outside the jurisdiction (or none
    with that id) raises AuditAnomaly.DoesNotExist, which the edge answers with 404.
    """
    anomaly = AuditAnomaly.objects.restrict(by, "change").select_for_update().get(pk=anomaly_id)
    if anomaly.is_resolved:
        return False
    anomaly.is_resolved = True
    anomaly.resolved_by = by
    anomaly.resolved_at = timezone.now()
    anomaly.save(update_fields=["is_resolved", "resolved_by", "resolved_at"])
    return True
