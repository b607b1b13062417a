from tortoise import migrations
from tortoise.migrations import operations as ops
from referral.models.enums import ConsentSource, MessageStatus, SubscribeResult
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class AlterFieldState(ops.AlterField):
    """A new enum value changes only the field's description: varchar(8) needs no DDL, and SQLite's
    generated table rebuild would drop the message table's unique (brand_id, dedupe_key)."""

    async def database_forward(self, *args, **kwargs):
        return None

    async def database_backward(self, *args, **kwargs):
        return None


class Migration(migrations.Migration):
    dependencies = [('referral', '0007_phone_verified'), ('tenancy', '0006_platform_tokens')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SubscribeConsent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('template_id', fields.CharField(max_length=64)),
                ('result', fields.CharEnumField(description='ACCEPT: accept\nREJECT: reject\nBAN: ban\nFILTER: filter', enum_type=SubscribeResult, max_length=8)),
                ('source', fields.CharEnumField(description='CLIENT: client\nPUSH: push', enum_type=ConsentSource, max_length=8)),
                ('request_key', fields.CharField(null=True, max_length=128)),
                ('paired', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('message_id', fields.BigIntField(null=True)),
                ('voided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'subscribe_consent', 'app': 'referral', 'unique_together': (('member_id', 'template_id', 'request_key'),), 'indexes': [Index(fields=['member_id', 'template_id', 'used_at'])], 'pk_attr': 'id', 'table_description': "One answer of a member to WeChat's subscribe-message popup for one template. WeChat lets a"},
            bases=['Model'],
        ),
        AlterFieldState(
            model_name='Message',
            name='status',
            field=fields.CharEnumField(default=MessageStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nSKIPPED: skipped\nFAILED: failed\nUNKNOWN: unknown', enum_type=MessageStatus, max_length=8),
        ),
    ]
