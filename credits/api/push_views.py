"""API of the credits app: a platform pushes training records in bulk (批量推送培训记录)."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.functional import lazy
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api import ApiView, ErrorSerializer
from core.api_callers import client_of
from projects.models import TrainingRecord

from ..intake.columns import COLUMN_BY_KEY
from ..intake.messages import ROW_MESSAGES
from .services import (
    MAX_ITEMS,
    IdempotencyKeyTooLong,
    InvalidItems,
    ItemError,
    push_training_records,
    shorten,
)

IDEMPOTENCY_KEY_MAX = 255
HUGE_DIGITS = 15  # hours are at most 99999.9; anything this long is a typo
CELL_TEXT_MAX = 32  # the longest hours a person writes ("99999.9 学时") fits with room to spare
TOO_LONG = _l("“%(header)s”过长：最多 %(limit)d 个字符。")
NOT_AN_OBJECT = _l("第 %(row)d 条记录应为一个对象（{…}），不能是 %(kind)s。")


def _required(key: str):
    """Return the import's own message for a blank required column, lazily translated."""
    header = COLUMN_BY_KEY[key].header
    return lazy(lambda: _t(str(ROW_MESSAGES["required"])) % {"header": header}, str)()


def _too_long(key: str, limit: int):
    """Return "“<header>”过长" for a column, lazily translated; the value is not repeated."""
    header = COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else key
    return lazy(lambda: _t(str(TOO_LONG)) % {"header": header, "limit": limit}, str)()


def _text_messages(key: str, limit: int, *, required: bool = True) -> dict:
    messages = {"max_length": _too_long(key, limit)}
    if required:
        messages.update(required=_required(key), blank=_required(key))
    return messages


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class CellField(serializers.Field):
    """A number or text, passed as is to the import's parser, which says what is wrong."""

    default_error_messages = {"invalid": "应为数字或文字 / a number or a string"}

    def __init__(self, *, column: str, **kwargs):
        self.column = column
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, str) and len(data) > CELL_TEXT_MAX:
            raise serializers.ValidationError(_too_long(self.column, CELL_TEXT_MAX), "max_length")
        if _is_huge(data):
            # The parser's rounding fails past 27 digits; say "too large" as the import does.
            header = COLUMN_BY_KEY[self.column].header
            message = _t(str(ROW_MESSAGES["too_large"])) % {"header": header, "value": data}
            raise serializers.ValidationError(message, code="too_large")
        return data

    def to_representation(self, value):
        return value


def _is_huge(value) -> bool:
    text = unicodedata.normalize("NFKC", str(value)).replace(",", "").strip()
    text = re.sub(r"(学时|小时)$", "", text).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite() and number.adjusted() >= HUGE_DIGITS


# Text DRF would refuse or change: a NUL character or a lone surrogate.
_ODD_TEXT = re.compile("[\x00\ud800-\udfff]")


class BulkRecordListSerializer(serializers.ListSerializer):
    """The items of a bulk push: plain items are taken as they are, others go through DRF.

    DRF validates 1,000 items field by field at about 0.2 ms an item, a fifth of a push.
    Almost every item a platform sends is plain: a JSON object whose text values are already
    trimmed, not blank where a value is required, within their length and free of NUL
    characters, and whose numbers are numbers or text. For such an item DRF's answer is the
    item itself (its known keys, in field order), so it is taken as is; if any item is not
    plain, DRF validates them all and says what is wrong, as before.
    tests/api/test_bulk_push_validation.py compares both on plain and odd items.
    """

    def to_internal_value(self, data):
        low, high = self.min_length or 0, self.max_length or MAX_ITEMS
        if isinstance(data, list) and low <= len(data) <= high:
            fields = list(self.child.fields.items())
            plain = [_plain_item(item, fields) for item in data]
            if all(item is not None for item in plain):
                return plain
        return super().to_internal_value(data)


def _plain_item(item, fields) -> dict | None:
    """Return what DRF's validation would return for `item`, or None if it might differ."""
    if type(item) is not dict:
        return None
    validated = {}
    for name, field in fields:
        if name not in item:
            if field.required:
                return None
            continue
        value = item[name]
        if value is None:
            if not field.allow_null:
                return None
        elif isinstance(field, CellField):
            if (
                type(value) not in (int, float, str)
                or (type(value) is str and len(value) > CELL_TEXT_MAX)
                or _is_huge(value)
            ):
                return None
        elif isinstance(field, serializers.CharField):
            if (
                type(value) is not str
                or value != value.strip()
                or (not value and not field.allow_blank)
                or (field.max_length is not None and len(value) > field.max_length)
                or _ODD_TEXT.search(value)
            ):
                return None
        else:
            return None
        validated[name] = value
    return validated


class BulkRecordItemSerializer(serializers.Serializer):
    """One training record of a bulk push: the columns of the Excel import, and an id."""

    external_id = serializers.CharField(
        max_length=64,
        help_text="平台自己的记录编号，重发时据此找到同一条记录 / the platform's own record id",
        error_messages={"max_length": _too_long("外部编号", 64)},
    )
    id_number = serializers.CharField(
        max_length=32,
        help_text="教师身份证号码 / the teacher's national ID number",
        error_messages=_text_messages("id_number", 32),
    )
    name = serializers.CharField(
        max_length=50,
        help_text="教师姓名，须与登记的一致 / the teacher's name, as registered",
        error_messages=_text_messages("name", 50),
    )
    project_code = serializers.CharField(
        max_length=32,
        help_text="已通过审核的项目编号 / code of an approved project",
        error_messages=_text_messages("project_code", 32),
    )
    hours = CellField(
        column="hours",
        help_text="参训学时，最多 1 位小数；文字最长 32 个字符 / hours attended, one decimal "
        "at most (as text: up to 32 characters)",
        error_messages={"required": _required("hours")},
    )
    leave_hours = CellField(
        column="leave_hours",
        required=False,
        allow_null=True,
        help_text="请假学时，默认 0 / hours of leave, 0 when omitted",
    )
    grade = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=16,
        help_text="考核等次：pass、good、excellent、fail 或 合格、良好、优秀、不合格；空为未考核 "
        "/ grade, blank when not graded yet",
    )
    role = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=16,
        help_text="参训身份：trainee（学员，默认）或 lead_instructor（主讲教师） / role",
    )
    completed_on = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=32,
        help_text="完成日期，如 2025-03-01，默认项目结束日期 / completed on (YYYY-MM-DD)",
    )

    class Meta:
        list_serializer_class = BulkRecordListSerializer


class PushedItemSerializer(serializers.Serializer):
    """The outcome of one item of a bulk push."""

    index = serializers.IntegerField(help_text="在 records 中的位置，从 0 起 / position")
    external_id = serializers.CharField(help_text="平台自己的记录编号 / external id")
    record = serializers.IntegerField(help_text="培训记录 ID / training record id")
    action = serializers.ChoiceField(
        choices=["created", "updated", "unchanged"],
        help_text="新增、更新或未变 / created, updated or unchanged",
    )


class RecordBulkPushApi(ApiView):
    """Push up to 1,000 training records at once, all or none (批量推送培训记录)."""

    permission_model = TrainingRecord

    @extend_schema_serializer(component_name="BulkPushRequest")
    class InputSerializer(serializers.Serializer):
        records = BulkRecordItemSerializer(
            many=True,
            min_length=1,
            max_length=MAX_ITEMS,
            help_text="培训记录，每次 1 到 1000 条 / 1 to 1,000 training records",
        )

    @extend_schema_serializer(component_name="BulkPushResult")
    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField(help_text="新增的记录数 / records created")
        updated = serializers.IntegerField(help_text="更新的记录数 / records updated")
        unchanged = serializers.IntegerField(help_text="未变的记录数 / records unchanged")
        items = PushedItemSerializer(many=True, help_text="逐条结果 / the outcome of each item")

    @extend_schema(
        summary="批量推送培训记录 / Push training records in bulk",
        description=(
            "一次提交 1 到 1000 条培训记录（草稿，待学校申报），全部有效才写入，否则一条也不写，"
            "并逐条返回与 Excel 导入相同的中文错误说明。按 external_id 和（教师，项目）幂等："
            "重发不会重复登记。可带 `Idempotency-Key` 头，24 小时内重发返回同一响应。"
            "/ 1 to 1,000 records, all or none, idempotent by external_id and by "
            "(teacher, project); an Idempotency-Key replays the stored answer for 24 hours."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
                OpenApiParameter.HEADER,
                description="幂等键，最长 255 个字符，更长的请求被拒绝（400） / idempotency key, "
                "up to 255 characters; a longer one is refused with 400",
            )
        ],
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="逐条错误，或幂等键过长 / per-item errors, or a key "
                "over 255 characters",
            ),
            403: OpenApiResponse(ErrorSerializer, description="只读客户端 / read-only client"),
            409: OpenApiResponse(ErrorSerializer, description="幂等键冲突 / key reused"),
        },
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise IdempotencyKeyTooLong(limit=IDEMPOTENCY_KEY_MAX, length=len(key))
        data = self.InputSerializer(data=request.data)
        try:
            if not data.is_valid():
                raise InvalidItems(_item_errors(data.errors, request.data))
            result = push_training_records(
                by=request.user,
                client=client_of(request),
                items=data.validated_data["records"],
                idempotency_key=key,
            )
        except InvalidItems as exc:
            return Response(
                {
                    "code": exc.code,
                    "message": str(exc),
                    "params": exc.params,
                    "errors": [e.__dict__ for e in exc.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        headers = {"Idempotent-Replayed": "true"} if result.is_replay else {}
        return Response(self.OutputSerializer(result.to_json()).data, headers=headers)


def _item_errors(errors, raw) -> list[ItemError]:
    """Turn the serializer's errors into per-item errors; raise list-level ones as they are."""
    per_item = errors.get("records")
    if isinstance(per_item, list) and all(isinstance(e, dict) for e in per_item):
        per_item = dict(enumerate(per_item))
    if set(errors) != {"records"} or not isinstance(per_item, dict):
        raise serializers.ValidationError(errors)
    if not all(isinstance(index, int) for index in per_item):
        raise serializers.ValidationError(errors)  # a list-level error (too many items)
    raw_items = raw.get("records") if isinstance(raw, dict) else None
    found = []
    for index, item_errors in sorted(per_item.items()):
        raw_item = raw_items[index] if isinstance(raw_items, list) else None
        external_id = raw_item.get("external_id", "") if isinstance(raw_item, dict) else ""
        if not isinstance(raw_item, dict):  # null, a number, a list: the item itself is wrong
            message = _t(str(NOT_AN_OBJECT)) % {"row": index + 1, "kind": _kind(raw_item)}
            found.append(ItemError(index, "", None, message))
        elif not isinstance(item_errors, dict):
            found.extend(
                ItemError(index, shorten(external_id, 64), None, str(m)) for m in item_errors
            )
        else:
            for name, messages in item_errors.items():
                found.extend(
                    ItemError(index, shorten(external_id, 64), name, str(m)) for m in messages
                )
    if not found:
        raise serializers.ValidationError(errors)
    return found


def _kind(value) -> str:
    """Name a JSON value's type in words, without repeating the value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _t("true 或 false")
    if isinstance(value, int | float):
        return _t("数字")
    if isinstance(value, str):
        return _t("文字")
    if isinstance(value, list):
        return _t("列表（[…]）")
    return _t("其他值")
