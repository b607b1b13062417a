from tortoise import migrations
from tortoise.migrations import operations as ops
from foundation.tenancy.sealing import SealedField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SeenNonce',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=8)),
                ('nonce', fields.CharField(max_length=64)),
                ('seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'seen_nonce', 'app': 'tenancy', 'unique_together': (('brand', 'channel', 'nonce'),), 'indexes': [Index(fields=['seen_at'])], 'pk_attr': 'id', 'table_description': "A signed push's nonce, remembered for as long as its timestamp is acceptable: a second push"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Brand',
            name='wechat_aes_key',
            field=SealedField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Brand',
            name='wechat_callback_token',
            field=SealedField(null=True, unique=False),
        ),
    ]
