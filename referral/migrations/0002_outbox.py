from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from referral.models.enums import MessageChannel, MessageKind, MessageStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('referral', '0001_initial'), ('tenancy', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Message',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='EVENT_CANCELLED: event_cancelled\nWAITLIST_PROMOTED: waitlist_promoted\nCOUPON_ISSUED: coupon_issued\nEVENT_REMINDER: event_reminder', enum_type=MessageKind, max_length=24)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('dedupe_key', fields.CharField(max_length=100)),
                ('channel', fields.CharEnumField(null=True, description='WECHAT: wechat\nLINE: line', enum_type=MessageChannel, max_length=8)),
                ('recipient', fields.CharField(null=True, max_length=128)),
                ('retry_key', fields.UUIDField()),
                ('status', fields.CharEnumField(default=MessageStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed\nUNKNOWN: unknown', enum_type=MessageStatus, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('leased_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'message', 'app': 'referral', 'unique_together': (('brand', 'dedupe_key'),), 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'A notification to send, written in the same transaction as the change it reports. A worker'},
            bases=['Model'],
        ),
    ]
