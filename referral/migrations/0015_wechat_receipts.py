from tortoise import migrations
from tortoise.migrations import operations as ops
from referral.models.enums import MessageStatus
from tortoise import fields
from tortoise.indexes import Index

from referral.migrations import _state_only

class Migration(migrations.Migration):
    dependencies = [('referral', '0001_initial'), ('referral', '0002_outbox'), ('referral', '0003_outbox_handed_at'), ('referral', '0004_fingerprints'), ('referral', '0005_report_dimensions'), ('referral', '0006_inbox_and_locale'), ('referral', '0007_phone_verified'), ('referral', '0008_subscribe_consent'), ('referral', '0009_inbound_messages'), ('referral', '0010_line_pushable'), ('referral', '0011_marketing_consent'), ('referral', '0012_broadcast_kind'), ('referral', '0013_broadcast_touch'), ('referral', '0014_guide_tasks_and_messages'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        _state_only.AlterFieldState(
            model_name='Message',
            name='status',
            field=fields.CharEnumField(default=MessageStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nDELIVERED: arrived\nSKIPPED: skipped\nFAILED: failed\nUNKNOWN: unknown', enum_type=MessageStatus, max_length=8),
        ),
        ops.AddField(
            model_name='Message',
            name='platform_id',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddIndex(
            model_name='Message',
            index=Index(fields=['brand_id', 'platform_id']),
        ),
    ]
