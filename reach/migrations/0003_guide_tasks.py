from tortoise import migrations
from tortoise.migrations import operations as ops
from reach.models import TaskOutcome, TaskStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial'), ('loyalty', '0002_coupons'), ('loyalty', '0003_campaigns_points_lots'), ('loyalty', '0004_event_step_rewards'), ('loyalty', '0005_campaign_credit'), ('loyalty', '0006_idempotency_lookups'), ('loyalty', '0007_idempotency_guards'), ('reach', '0002_broadcasts'), ('referral', '0013_broadcast_touch'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GuideTask',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('guide', fields.ForeignKeyField('referral.Guide', source_field='guide_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=80)),
                ('note', fields.CharField(null=True, max_length=500)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=TaskStatus.OPEN, description='OPEN: open\nDONE: done', enum_type=TaskStatus, max_length=8)),
                ('outcome', fields.CharEnumField(null=True, description='REACHED: reached\nBOUGHT: bought\nNO_ANSWER: no_answer\nDECLINED: declined\nWRONG_CONTACT: wrong_contact', enum_type=TaskOutcome, max_length=16)),
                ('outcome_note', fields.CharField(null=True, max_length=500)),
                ('source', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guide_task', 'app': 'reach', 'unique_together': (('brand', 'source'),), 'indexes': [Index(fields=['guide_id', 'status'])], 'pk_attr': 'id', 'table_description': 'One thing a guide is asked to do for one of their members ("call about stage 2"). `source` is'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskList',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('segment', fields.ForeignKeyField('reach.Segment', source_field='segment_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=80)),
                ('note', fields.CharField(null=True, max_length=500)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('assigned', fields.IntField(default=0)),
                ('unassigned', fields.IntField(default=0)),
                ('created_by', fields.CharField(max_length=40)),
                ('idempotency_key', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_list', 'app': 'reach', 'unique_together': (('brand', 'idempotency_key'),), 'pk_attr': 'id', 'table_description': "HQ (or a store manager) turned a segment into one task per member, for the member's guide."},
            bases=['Model'],
        ),
    ]
