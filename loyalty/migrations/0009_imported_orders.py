from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0008_store_purchases'), ('referral', '0018_order_match_keys'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OrderImport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('source', fields.CharField(max_length=200)),
                ('started_by', fields.CharField(max_length=64)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('orders_read', fields.IntField(default=0)),
                ('imported', fields.IntField(default=0)),
                ('duplicates', fields.IntField(default=0)),
                ('matched', fields.IntField(default=0)),
                ('rejected', fields.IntField(default=0)),
            ],
            options={'table': 'order_import', 'app': 'loyalty', 'pk_attr': 'id', 'table_description': 'One import run (a file or a batch call): who ran it, when, and what it did.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportedOrder',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('order_import', fields.ForeignKeyField('loyalty.OrderImport', source_field='order_import_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('order_number', fields.CharField(max_length=64)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharField(null=True, max_length=32)),
                ('ordered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('items', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('total_cents', fields.BigIntField()),
                ('member_code', fields.CharField(null=True, max_length=32)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('unionid', fields.CharField(null=True, max_length=128)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('matched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('points', fields.IntField(default=0)),
                ('returned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_reason', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'imported_order', 'app': 'loyalty', 'unique_together': (('brand', 'order_number'),), 'indexes': [Index(fields=['member_id', 'ordered_at'])], 'pk_attr': 'id', 'table_description': 'An order from outside (a till system, a web shop). `order_number` is unique per brand: the same'},
            bases=['Model'],
        ),
    ]
