from tortoise import migrations
from tortoise.migrations import operations as ops
from foundation.tenancy.sealing import SealedField
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PlatformToken',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('token', SealedField(null=True, unique=False)),
                ('fingerprint', fields.CharField(null=True, max_length=64)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('refreshing_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'platform_token', 'app': 'tenancy', 'pk_attr': 'key', 'table_description': "A platform access token shared by every worker and machine (a WeChat app's, for one): fetched"},
            bases=['Model'],
        ),
    ]
