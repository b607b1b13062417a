from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0011_purchase_rewards'), ('referral', '0001_initial'), ('referral', '0002_outbox'), ('referral', '0003_outbox_handed_at'), ('referral', '0004_fingerprints'), ('referral', '0005_report_dimensions'), ('referral', '0006_inbox_and_locale'), ('referral', '0007_phone_verified'), ('referral', '0008_subscribe_consent'), ('referral', '0009_inbound_messages'), ('referral', '0010_line_pushable'), ('referral', '0011_marketing_consent'), ('referral', '0012_broadcast_kind'), ('referral', '0013_broadcast_touch'), ('referral', '0014_guide_tasks_and_messages'), ('referral', '0015_wechat_receipts'), ('referral', '0016_touch_product'), ('referral', '0017_loyal_rule'), ('referral', '0018_order_match_keys'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CodeBatch',
            name='product_line',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
