"""Errors of the Excel import, in Chinese: files that cannot be read, the upload store, the queue.

Each is a `credits.errors.CreditError`, so pages show the message and the API's handler gives
it its status.
"""

from django.utils.translation import gettext_lazy as _

from credits.errors import CreditError


# -- files that cannot be read ------------------------------------------------------------------
class ImportFileError(CreditError):
    """The uploaded file cannot be read as a sheet of training records; nothing was written."""

    code = "import_file_error"


class FileTooLarge(ImportFileError):
    """The file is above the upload limit; it was not opened."""

    code = "import_file_too_large"
    message = _(
        "文件大小为 %(size)s MB，超过了 %(limit)s MB 的上限，未读取。请把表格拆分为几个文件分批导入。"
    )


class NotATable(ImportFileError):
    """The file is neither an .xlsx workbook nor a CSV text file."""

    code = "import_not_a_table"
    message = _(
        "“%(name)s”不是 Excel 表格（.xlsx）或 CSV 文件，无法读取。"
        "请点击“下载模板”，在模板中填写后上传。"
    )


class NotExcelFile(ImportFileError):
    """A web page or another text document saved under a spreadsheet's name."""

    code = "import_not_excel"
    message = _(
        "“%(name)s”这不是 %(expected)s 文件：它其实是%(kind)s，只是文件名以 %(extension)s 结尾"
        "（从网站或其他系统“导出 Excel”得到的文件常常如此）。"
        "请用 Excel 或 WPS 打开它，选择“另存为”→“Excel 工作簿（*.xlsx）”，再上传另存的文件。"
    )


class OldExcelFormat(ImportFileError):
    """An .xls (Excel 97-2003) file, or an .xlsx protected by a password (same container)."""

    code = "import_old_excel"
    message = _(
        "“%(name)s”是旧版 Excel（.xls）文件或设置了打开密码的文件，无法读取。"
        "请用 Excel 或 WPS 打开，选择“另存为”→“Excel 工作簿（*.xlsx）”，不要设置密码，再上传。"
    )


class UnknownEncoding(ImportFileError):
    """A CSV file in an encoding other than UTF-8 or GBK/GB18030."""

    code = "import_unknown_encoding"
    message = _(
        "无法识别 CSV 文件“%(name)s”的文字编码。请在 WPS 或 Excel 中另存为 .xlsx 后再上传。"
    )


class UnpackedTooLarge(ImportFileError):
    """A part of the workbook unpacks to more than the reader takes (a "zip bomb")."""

    code = "import_unpacked_too_large"
    message = _(
        "“%(name)s”解压后过大：其中的“%(part)s”%(reason)s，不像是 Excel 或 WPS 保存的表格，未读取。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传；数据很多时请拆分为几个文件。"
    )


class UnusualWorkbook(ImportFileError):
    """The workbook holds something Excel and WPS never write (a DTD, comments, deep nesting)."""

    code = "import_unusual_workbook"
    message = _(
        "“%(name)s”中含有 Excel 和 WPS 不会写入的内容（%(what)s），可能已损坏或被其他程序改动过，"
        "未读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
    )


class CellTooLong(ImportFileError):
    """One cell holds more text than Excel allows in a cell."""

    code = "import_cell_too_long"
    message = _(
        "%(where)s的内容超过了 %(limit)s 个字符（Excel 一个单元格最多 32767 个字符），"
        "开头是“%(start)s”，未读取。请删除或缩短这一格的内容后再上传。"
    )


class TooManyCells(ImportFileError):
    """More cells (formatted empty ones included) than one import reads."""

    code = "import_too_many_cells"
    message = _(
        "表格中的单元格超过了 %(limit)s 个（设置了格式的空单元格也算在内），超出一次导入可以读取的范围，"
        "未读取。请把需要导入的列和行复制到模板中，或拆分为几个文件后再上传。"
    )


class ReadTimedOut(ImportFileError):
    """Reading took longer than an upload may take."""

    code = "import_read_timed_out"
    message = _(
        "读取“%(name)s”超过了 %(seconds)d 秒，文件的结构异常复杂，未读取完。"
        "请把需要导入的数据复制到模板中（只粘贴数值），或拆分为几个文件后再上传。"
    )


class EmptySheet(ImportFileError):
    """The sheet has no header and no rows."""

    code = "import_empty_sheet"
    message = _(
        "工作表“%(sheet)s”是空的。请在第一个工作表的第 1 行填写表头，从第 2 行起每行填写一条培训记录。"
    )


class HeaderInHiddenSheet(ImportFileError):
    """Only a hidden sheet has the header; hidden sheets are not read."""

    code = "import_header_in_hidden_sheet"
    message = _(
        "表头只出现在隐藏的工作表“%(sheet)s”中。系统只读取可见的工作表（隐藏的常是旧数据）："
        "如果要导入的就是它，请在 Excel 中右键工作表标签→“取消隐藏”，再上传。"
    )


class NoDataRows(ImportFileError):
    """The sheet has a header but no data rows."""

    code = "import_no_rows"
    message = _("表格只有表头，没有数据。请从第 %(row)d 行起每行填写一条培训记录。")


class MissingColumns(ImportFileError):
    """Required headers are missing."""

    code = "import_missing_columns"
    message = _(
        "第 %(row)d 行的表头缺少这些列：%(missing)s。请使用“下载模板”得到的表格，表头文字保持不变。"
    )


class DuplicateColumns(ImportFileError):
    """A header appears twice, so it is unclear which column to read."""

    code = "import_duplicate_columns"
    message = _("表头中“%(header)s”出现了不止一次（%(letters)s 列），请删除多余的列后再上传。")


class MergedCells(ImportFileError):
    """Merged cells in the data area: rows cannot be read one by one."""

    code = "import_merged_cells"
    message = _(
        "表格中有合并单元格：%(ranges)s。合并后只有第一个单元格有内容，无法逐行读取。"
        "请选中这些单元格，点击“取消合并”，在每一行填写完整后再上传。"
    )


class TooManyCellErrors(ImportFileError):
    """So many cells are wrong that the file is more likely the wrong one than mistyped."""

    code = "import_too_many_cell_errors"
    message = _(
        "表格中填写有误的单元格超过了 %(limit)s 个（读到第 %(row)d 行时），最多的是“%(header)s”列"
        "（%(count)s 个），未读完。常见原因是选错了文件、表头与内容错位或整列格式不对："
        "请先核对前几行，改正后再上传。"
    )


class TooManyRows(ImportFileError):
    """More data rows than one import takes."""

    code = "import_too_many_rows"
    message = _(
        "表格有 %(rows)d 行以上数据，超过一次导入的上限 %(limit)d 行。请拆分为几个文件分批导入。"
    )


# -- the upload store ---------------------------------------------------------------------------
class UploadLimitReached(ImportFileError):
    """The school's uploads in progress fill its share of the upload store."""

    code = "import_upload_limit"
    message = _(
        "本校已有 %(count)d 个上传的文件正在校验或写入（最多同时保留 %(limit)d 个），"
        "请等它们处理完成后再上传。"
    )


class UploadNotFound(CreditError):
    """No upload with this id belongs to the user (expired, removed or someone else's)."""

    code = "import_upload_not_found"
    message = _("没有找到这次上传的文件（可能已过期，或不是您上传的）。请重新上传。")
    status = 404


class UploadNotReady(CreditError):
    """The upload has not been checked yet, or is being checked or written right now."""

    code = "import_not_ready"
    message = _("这份文件还没有校验完成，暂时不能确认导入。请等校验结果出来后再确认。")
    status = 409


class UploadAlreadyImported(CreditError):
    """The upload was already written; a second confirm would change nothing."""

    code = "import_already_done"
    message = _("这份文件已经导入完成，无需再次确认。")
    status = 409


class ImportConflict(CreditError):
    """Someone wrote the same records between the check and the write."""

    code = "import_conflict"
    message = _(
        "校验之后有人同时登记或修改了相同的培训记录，本次没有写入任何记录。请重新上传并预览后再确认。"
    )
    status = 409


class ImportNotAllowed(CreditError):
    """The account may not add training records."""

    code = "import_not_allowed"
    message = _("您的账号没有登记培训记录的权限，不能导入。")
    status = 403


# -- the queue ----------------------------------------------------------------------------------
class ImportCheckNotQueued(ImportFileError):
    """Redis did not take the check of a large upload; the file was not kept."""

    code = "import_check_not_queued"
    message = _(
        "后台处理服务暂时连接不上，这份文件没有开始校验，也没有写入任何记录。"
        "请过几分钟重新上传；如果一直这样，请联系平台管理员。"
    )
    status = 503


class ImportWriteNotQueued(CreditError):
    """Redis did not take the write of a checked upload; nothing was written."""

    code = "import_write_not_queued"
    message = _(
        "后台处理服务暂时连接不上，这份文件还没有导入，没有写入任何记录。"
        "请过几分钟再点击“确认导入”；如果一直这样，请联系平台管理员。"
    )
    status = 503
