from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('tenancy', '0003_sealed_credentials')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BrandChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('setting', fields.CharField(max_length=40)),
                ('old_value', fields.TextField(null=True, unique=False)),
                ('new_value', fields.TextField(null=True, unique=False)),
                ('changed_by', fields.CharField(max_length=40)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'brand_change', 'app': 'tenancy', 'indexes': [Index(fields=['brand_id', 'changed_at'])], 'pk_attr': 'id', 'table_description': "One change of a brand's settings: what, who, when, the old and the new value (a secret is"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Brand',
            name='allowed_origins',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
