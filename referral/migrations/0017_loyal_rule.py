from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('referral', '0016_touch_product'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ReferralPolicy',
            name='loyal_months',
            field=fields.IntField(default=6, db_default=6),
        ),
        ops.AddField(
            model_name='ReferralPolicy',
            name='loyal_purchases',
            field=fields.IntField(default=3, db_default=3),
        ),
    ]
