from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial'), ('loyalty', '0002_coupons'), ('loyalty', '0003_campaigns_points_lots'), ('loyalty', '0004_event_step_rewards'), ('loyalty', '0005_campaign_credit'), ('loyalty', '0006_idempotency_lookups'), ('loyalty', '0007_idempotency_guards'), ('reach', '0005_conversations'), ('referral', '0015_wechat_receipts'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Broadcast',
            name='translations',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
