from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from referral.models.enums import MessageKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('referral', '0001_initial'), ('referral', '0002_outbox'), ('referral', '0003_outbox_handed_at'), ('referral', '0004_fingerprints'), ('referral', '0005_report_dimensions'), ('tenancy', '0005_regional_settings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboxItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='EVENT_CANCELLED: event_cancelled\nWAITLIST_PROMOTED: waitlist_promoted\nCOUPON_ISSUED: coupon_issued\nEVENT_REMINDER: event_reminder', enum_type=MessageKind, max_length=24)),
                ('params', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('dedupe_key', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbox_item', 'app': 'referral', 'unique_together': (('brand', 'dedupe_key'),), 'indexes': [Index(fields=['member_id', 'read_at'])], 'pk_attr': 'id', 'table_description': "A notice in a member's in-app inbox, written with the outbox message that pushes it (or alone,"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='locale',
            field=fields.CharField(null=True, max_length=16),
        ),
    ]
