from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from reach.models import RunStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial'), ('loyalty', '0002_coupons'), ('loyalty', '0003_campaigns_points_lots'), ('loyalty', '0004_event_step_rewards'), ('loyalty', '0005_campaign_credit'), ('loyalty', '0006_idempotency_lookups'), ('loyalty', '0007_idempotency_guards'), ('reach', '0003_guide_tasks'), ('referral', '0014_guide_tasks_and_messages'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Journey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=80)),
                ('definition', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('active_since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.CharField(max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'journey', 'app': 'reach', 'unique_together': (('brand', 'name'),), 'pk_attr': 'id', 'table_description': 'An automated sequence: a trigger starts a run for a member, the steps run in order'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JourneyRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('journey', fields.ForeignKeyField('reach.Journey', source_field='journey_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('occurrence', fields.CharField(max_length=64)),
                ('step', fields.IntField(default=0)),
                ('status', fields.CharEnumField(default=RunStatus.ACTIVE, description='ACTIVE: active\nDONE: done\nEXITED: exited', enum_type=RunStatus, max_length=8)),
                ('next_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'journey_run', 'app': 'reach', 'unique_together': (('journey', 'member', 'occurrence'),), 'indexes': [Index(fields=['status', 'next_at'])], 'pk_attr': 'id', 'table_description': "One member's way through a journey for one occurrence of its trigger (the baby's birth date,"},
            bases=['Model'],
        ),
    ]
