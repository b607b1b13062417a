from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('tenancy', '0004_allowed_origins')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Brand',
            name='currency',
            field=fields.CharField(null=True, max_length=3),
        ),
        ops.AddField(
            model_name='Brand',
            name='default_locale',
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name='Brand',
            name='event_link_base',
            field=fields.CharField(null=True, max_length=300),
        ),
        ops.AddField(
            model_name='Brand',
            name='locales',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Brand',
            name='time_zone',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
