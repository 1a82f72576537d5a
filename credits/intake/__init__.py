"""The intake of training records, shared by the Excel import and the API's bulk push.

A row is a row whether a school typed it in a sheet (the `imports` app reads the file and
calls in here) or a platform sent it as one item of a push (`credits/api/services.py`): both
parse it with `rows.parse_row`, check it against the database with `planning.plan_rows` and
write the whole plan with `writing.write_plan`, so both get the same Chinese messages and the
same all-or-nothing write. Nothing here knows about files, uploads or HTTP.

- `columns`: the eight columns, their headers, and `Table`, the positions a row is read by
- `text`: cell text folded for parsing, values quoted in messages, translation per language
- `messages`: the row errors (ROW_MESSAGES) and `row_message`
- `rows`: `ParsedRow`, `parse_row` and the cell parsers (no database)
- `planning`: `plan_rows`, the set-based check against the database, quotas included
- `writing`: `write_plan`, the bulk write with history
- `summary`: `ImportSummary`, what a check or a write found, row by row
"""
