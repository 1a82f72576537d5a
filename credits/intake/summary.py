"""What a check or a write of rows found: counts by outcome and every row error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .columns import COLUMN_BY_KEY, COLUMNS
from .rows import ParsedRow


@dataclass(frozen=True)
class RowError:
    """One problem of one row, as the preview and the report show it."""

    row: int
    column: str  # the column letter in the uploaded sheet ("" when the column is absent)
    header: str
    message: str


@dataclass
class ImportSummary:
    """What an import found or did: counts by outcome and every row error."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    is_committed: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    sheet: str = ""  # the worksheet read ("" for a CSV file)
    notes: list[str] = field(default_factory=list)  # file-level warnings: hidden rows, sheets

    @property
    def is_valid(self) -> bool:
        return self.error_rows == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_rows": self.error_rows,
            "errors": [[e.row, e.column, e.header, e.message] for e in self.errors],
            "is_committed": self.is_committed,
            "ignored_columns": self.ignored_columns,
            "sheet": self.sheet,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportSummary:
        return cls(
            rows=data["rows"],
            created=data["created"],
            updated=data["updated"],
            unchanged=data["unchanged"],
            error_rows=data["error_rows"],
            errors=[RowError(*e) for e in data["errors"]],
            is_committed=data["is_committed"],
            ignored_columns=data["ignored_columns"],
            sheet=data.get("sheet", ""),
            notes=data.get("notes", []),
        )


def summarize(rows: list[ParsedRow], actions: list[str], table_letters, ignored, committed):
    """Return the summary of `rows` and their planned `actions`, errors in column order."""
    summary = ImportSummary(rows=len(rows), ignored_columns=ignored, is_committed=committed)
    order = {c.key: i for i, c in enumerate(COLUMNS)}
    for parsed, action in zip(rows, actions, strict=True):
        if action == "error":
            summary.error_rows += 1
            for key, message in sorted(parsed.errors, key=lambda e: order.get(e[0], 99)):
                summary.errors.append(
                    RowError(
                        row=parsed.row,
                        column=table_letters.get(key, ""),
                        header=COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else "",
                        message=message,
                    )
                )
        else:
            setattr(summary, action, getattr(summary, action) + 1)
    return summary
