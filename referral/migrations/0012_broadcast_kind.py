from tortoise import migrations
from tortoise.migrations import operations as ops
from referral.models.enums import MessageKind
from tortoise import fields

from referral.migrations import _state_only


class Migration(migrations.Migration):
    dependencies = [('referral', '0011_marketing_consent'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        _state_only.AlterFieldState(
            model_name='InboxItem',
            name='kind',
            field=fields.CharEnumField(description='EVENT_CANCELLED: event_cancelled\nWAITLIST_PROMOTED: waitlist_promoted\nCOUPON_ISSUED: coupon_issued\nEVENT_REMINDER: event_reminder\nBROADCAST: broadcast', enum_type=MessageKind, max_length=24),
        ),
        _state_only.AlterFieldState(
            model_name='Message',
            name='kind',
            field=fields.CharEnumField(description='EVENT_CANCELLED: event_cancelled\nWAITLIST_PROMOTED: waitlist_promoted\nCOUPON_ISSUED: coupon_issued\nEVENT_REMINDER: event_reminder\nBROADCAST: broadcast', enum_type=MessageKind, max_length=24),
        ),
    ]
