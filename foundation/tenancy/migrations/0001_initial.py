from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Brand',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=120)),
                ('wechat_appid', fields.CharField(null=True, unique=True, max_length=64)),
                ('wechat_secret', fields.CharField(null=True, max_length=128)),
                ('line_channel_id', fields.CharField(null=True, unique=True, max_length=64)),
                ('line_channel_secret', fields.CharField(null=True, max_length=128)),
                ('line_channel_access_token', fields.CharField(null=True, max_length=512)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'brand', 'app': 'tenancy', 'pk_attr': 'id', 'table_description': 'A tenant. Its mini-program and LINE channel credentials are its own.'},
            bases=['Model'],
        ),
    ]
