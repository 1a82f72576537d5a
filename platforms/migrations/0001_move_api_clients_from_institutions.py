# The API clients' models move from institutions to their own app. The tables stay as they
# are here (state only); 0002 renames them. Content types follow, so every permission granted
# on them (roles, users) keeps its row.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("apiclient", "historicalapiclient", "apicalllog", "externalrecordkey", "idempotencykey")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="institutions", model__in=MOVED).update(
        app_label="platforms"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="platforms", model__in=MOVED).update(
        app_label="institutions"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("institutions", "0004_add_api_client_national_id_access"),
        ("projects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                    migrations.CreateModel(
                        name='ApiClient',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('name', models.CharField(max_length=100, unique=True, verbose_name='名称')),
                            ('access', models.CharField(choices=[('read', '只读'), ('read_write', '读写')], default='read', max_length=16, verbose_name='权限')),
                            ('token_prefix', models.CharField(editable=False, max_length=8, verbose_name='令牌前缀')),
                            ('token_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='令牌摘要')),
                            ('requests_per_minute', models.PositiveIntegerField(default=1200, verbose_name='每分钟请求上限')),
                            ('may_read_national_ids', models.BooleanField(default=False, help_text='仅对读写客户端有效。不勾选时，接口只返回隐去出生日期的身份证号码；勾选后返回完整号码，并逐条记入身份证号码查看记录。', verbose_name='可获取完整身份证号码')),
                            ('contact', models.CharField(blank=True, max_length=100, verbose_name='联系人')),
                            ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                            ('token_rotated_at', models.DateTimeField(blank=True, null=True, verbose_name='令牌更换时间')),
                            ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='吊销时间')),
                            ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                            ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                            ('unit', models.ForeignKey(help_text='客户端只能读写该行政区划及其下级的数据。', on_delete=django.db.models.deletion.PROTECT, related_name='api_clients', to='institutions.administrativeunit', verbose_name='管辖范围')),
                            ('user', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='api_client', to=settings.AUTH_USER_MODEL, verbose_name='服务账号')),
                        ],
                        options={
                            'db_table': 'institutions_apiclient',
                            'verbose_name': '接口客户端',
                            'verbose_name_plural': '接口客户端',
                            'ordering': ('name', 'pk'),
                        },
                    ),
                    migrations.CreateModel(
                        name='ApiCallLog',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('method', models.CharField(max_length=8, verbose_name='方法')),
                            ('path', models.CharField(max_length=200, verbose_name='路径')),
                            ('status', models.PositiveSmallIntegerField(verbose_name='状态码')),
                            ('duration_ms', models.PositiveIntegerField(verbose_name='耗时（毫秒）')),
                            ('at', models.DateTimeField(verbose_name='时间')),
                            ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='calls', to='platforms.apiclient', verbose_name='接口客户端')),
                        ],
                        options={
                            'db_table': 'institutions_apicalllog',
                            'verbose_name': '接口调用记录',
                            'verbose_name_plural': '接口调用记录',
                            'ordering': ('-at', '-pk'),
                        },
                    ),
                    migrations.CreateModel(
                        name='ExternalRecordKey',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('external_id', models.CharField(max_length=64, verbose_name='外部编号')),
                            ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                            ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='record_keys', to='platforms.apiclient', verbose_name='接口客户端')),
                            ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='external_keys', to='projects.trainingrecord', verbose_name='培训记录')),
                        ],
                        options={
                            'db_table': 'institutions_externalrecordkey',
                            'verbose_name': '外部记录编号',
                            'verbose_name_plural': '外部记录编号',
                            'ordering': ('client', 'external_id', 'pk'),
                        },
                    ),
                    migrations.CreateModel(
                        name='HistoricalApiClient',
                        fields=[
                            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                            ('name', models.CharField(db_index=True, max_length=100, verbose_name='名称')),
                            ('access', models.CharField(choices=[('read', '只读'), ('read_write', '读写')], default='read', max_length=16, verbose_name='权限')),
                            ('token_prefix', models.CharField(editable=False, max_length=8, verbose_name='令牌前缀')),
                            ('requests_per_minute', models.PositiveIntegerField(default=1200, verbose_name='每分钟请求上限')),
                            ('may_read_national_ids', models.BooleanField(default=False, help_text='仅对读写客户端有效。不勾选时，接口只返回隐去出生日期的身份证号码；勾选后返回完整号码，并逐条记入身份证号码查看记录。', verbose_name='可获取完整身份证号码')),
                            ('contact', models.CharField(blank=True, max_length=100, verbose_name='联系人')),
                            ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='登记时间')),
                            ('token_rotated_at', models.DateTimeField(blank=True, null=True, verbose_name='令牌更换时间')),
                            ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='吊销时间')),
                            ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='更新时间')),
                            ('history_id', models.AutoField(primary_key=True, serialize=False)),
                            ('history_date', models.DateTimeField(db_index=True)),
                            ('history_change_reason', models.TextField(null=True)),
                            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                            ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('unit', models.ForeignKey(blank=True, db_constraint=False, help_text='客户端只能读写该行政区划及其下级的数据。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='institutions.administrativeunit', verbose_name='管辖范围')),
                            ('user', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='服务账号')),
                        ],
                        options={
                            'db_table': 'institutions_historicalapiclient',
                            'verbose_name': 'historical 接口客户端',
                            'verbose_name_plural': 'historical 接口客户端',
                            'ordering': ('-history_date', '-history_id'),
                            'get_latest_by': ('history_date', 'history_id'),
                        },
                        bases=(simple_history.models.HistoricalChanges, models.Model),
                    ),
                    migrations.CreateModel(
                        name='IdempotencyKey',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('key', models.CharField(max_length=100, verbose_name='幂等键')),
                            ('request_hash', models.CharField(max_length=64, verbose_name='请求摘要')),
                            ('status_code', models.PositiveSmallIntegerField(verbose_name='状态码')),
                            ('response', models.JSONField(verbose_name='响应内容')),
                            ('created_at', models.DateTimeField(db_index=True, verbose_name='创建时间')),
                            ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='idempotency_keys', to='platforms.apiclient', verbose_name='接口客户端')),
                        ],
                        options={
                            'db_table': 'institutions_idempotencykey',
                            'verbose_name': '幂等键',
                            'verbose_name_plural': '幂等键',
                            'ordering': ('client', '-created_at', 'pk'),
                        },
                    ),
                    migrations.AddConstraint(
                        model_name='apiclient',
                        constraint=models.CheckConstraint(condition=models.Q(('requests_per_minute__gte', 1)), name='institutions_apiclient_rate_positive', violation_error_message='每分钟请求上限至少为 1。'),
                    ),
                    migrations.AddIndex(
                        model_name='apicalllog',
                        index=models.Index(fields=['client', 'at'], name='api_call_client_at_idx'),
                    ),
                    migrations.AddConstraint(
                        model_name='externalrecordkey',
                        constraint=models.UniqueConstraint(fields=('client', 'external_id'), name='institutions_externalrecordkey_unique_external_id', violation_error_message='同一客户端的外部编号不能重复。'),
                    ),
                    migrations.AddConstraint(
                        model_name='externalrecordkey',
                        constraint=models.UniqueConstraint(fields=('client', 'record'), name='institutions_externalrecordkey_one_key_per_record', violation_error_message='同一条培训记录只能对应一个外部编号。'),
                    ),
                    migrations.AddConstraint(
                        model_name='idempotencykey',
                        constraint=models.UniqueConstraint(fields=('client', 'key'), name='institutions_idempotencykey_unique_key'),
                    ),
    
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
