from tortoise import migrations
from tortoise.migrations import operations as ops
from reach.models import AudienceGroup, BroadcastStatus, SkipReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0007_idempotency_guards'), ('reach', '0001_initial'), ('referral', '0011_marketing_consent'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Broadcast',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=80)),
                ('segment', fields.ForeignKeyField('reach.Segment', source_field='segment_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=40)),
                ('body', fields.CharField(max_length=500)),
                ('page', fields.CharField(null=True, max_length=200)),
                ('coupon_template', fields.ForeignKeyField('loyalty.CouponTemplate', source_field='coupon_template_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('send_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('quiet_from', fields.IntField(null=True)),
                ('quiet_to', fields.IntField(null=True)),
                ('frequency_cap', fields.IntField()),
                ('holdout_percent', fields.IntField(default=0)),
                ('holdout_seed', fields.BigIntField()),
                ('conversion_days', fields.IntField(default=14)),
                ('status', fields.CharEnumField(default=BroadcastStatus.SCHEDULED, description='SCHEDULED: scheduled\nQUEUED: queued\nSENT: sent\nCANCELLED: cancelled', enum_type=BroadcastStatus, max_length=10)),
                ('audience', fields.IntField(null=True)),
                ('created_by', fields.CharField(max_length=40)),
                ('idempotency_key', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('queued_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'broadcast', 'app': 'reach', 'unique_together': (('brand', 'idempotency_key'),), 'indexes': [Index(fields=['status', 'send_at'])], 'pk_attr': 'id', 'table_description': 'A message from the brand to a segment at a time. Its audience is fixed when it is sent'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BroadcastRecipient',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('broadcast', fields.ForeignKeyField('reach.Broadcast', source_field='broadcast_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('audience_group', fields.CharEnumField(description='RECIPIENT: recipient\nHOLDOUT: holdout', enum_type=AudienceGroup, max_length=10)),
                ('skip_reason', fields.CharEnumField(null=True, description='NO_MARKETING_CONSENT: no_marketing_consent\nFREQUENCY_CAP: frequency_cap\nCOUPON_UNAVAILABLE: coupon_unavailable\nCONSENT_WITHDRAWN: consent_withdrawn', enum_type=SkipReason, max_length=24)),
                ('queued', fields.BooleanField(default=False)),
            ],
            options={'table': 'broadcast_recipient', 'app': 'reach', 'unique_together': (('broadcast', 'member'),), 'indexes': [Index(fields=['member_id', 'queued'])], 'pk_attr': 'id', 'table_description': "One member of a broadcast's audience as it stood when sent. (broadcast, member) is unique: a"},
            bases=['Model'],
        ),
    ]
