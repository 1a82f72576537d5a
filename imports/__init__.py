"""The Excel import of training records: files, the upload store, the pages and the tasks.

A school uploads a sheet; this app reads it within fixed bounds (`files`, `xlsx`, `sheet`,
`xmlparts`, `reading`), keeps it in the upload store (`uploads`), checks and writes it in
three steps (`steps`), and hands out the template and the report (`workbooks`). What a row
means and how it is checked and written is `credits.intake`, shared with the API's bulk push.
"""
