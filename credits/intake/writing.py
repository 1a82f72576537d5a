"""Writing a checked plan: new records as drafts, changed ones updated, each with history."""

from __future__ import annotations

from collections.abc import Callable

from core.history import write_bulk_history
from projects.models import TrainingRecord

from .planning import RECORD_FIELDS, RowPlan, chunks

WRITE_CHUNK = 1_000  # rows per bulk write; progress is reported after each


def write_plan(
    plan: RowPlan, *, by, reason: str, progress: Callable[[int], None] | None = None
) -> list[TrainingRecord]:
    """Create and update the plan's records with their history, in chunks; return the created
    records (with ids). The Excel import and the API's bulk push both write through here.

    History is copied from the written rows in SQL (`core.history`): simple_history's bulk
    helpers cost more than the INSERTs themselves (docs/benchmarks.md). `progress` is told how
    many records are written after each chunk.
    """
    created: list[TrainingRecord] = []
    for chunk in chunks(plan.creates, WRITE_CHUNK):
        records = TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(teacher_id=teacher_id, project_id=project_id, **values)
                for (teacher_id, project_id), values in chunk
            ]  # status: the model's default, draft (待申报)
        )
        write_bulk_history(records, TrainingRecord, by=by, reason=reason)
        created += records
        if progress is not None:
            progress(len(created))
    fields = [*RECORD_FIELDS, "status", "reject_reason", "updated_at"]
    updated = 0
    for chunk in chunks(plan.updates, WRITE_CHUNK):
        TrainingRecord.objects.bulk_update(chunk, fields)
        write_bulk_history(chunk, TrainingRecord, by=by, reason=reason, changed=True)
        updated += len(chunk)
        if progress is not None:
            progress(len(created) + updated)
    return created
