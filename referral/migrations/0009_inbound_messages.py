from tortoise import migrations
from tortoise.migrations import operations as ops
from referral.models.enums import MessageChannel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('referral', '0008_subscribe_consent'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboundMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='WECHAT: wechat\nLINE: line', enum_type=MessageChannel, max_length=8)),
                ('platform_id', fields.CharField(max_length=64)),
                ('text', fields.TextField(unique=False)),
                ('reply_token', fields.CharField(null=True, max_length=64)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbound_message', 'app': 'referral', 'unique_together': (('brand', 'channel', 'platform_id'),), 'indexes': [Index(fields=['member_id', 'received_at'])], 'pk_attr': 'id', 'table_description': 'What a member wrote to the brand over WeChat or LINE, kept for two-way messaging.'},
            bases=['Model'],
        ),
    ]
