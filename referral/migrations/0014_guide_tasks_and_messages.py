from tortoise import migrations
from tortoise.migrations import operations as ops
from referral.models.enums import MessageKind, TouchKind
from tortoise import fields

from referral.migrations import _state_only

class Migration(migrations.Migration):
    dependencies = [('referral', '0013_broadcast_touch'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        _state_only.AlterFieldState(
            model_name='InboxItem',
            name='kind',
            field=fields.CharEnumField(description='EVENT_CANCELLED: event_cancelled\nWAITLIST_PROMOTED: waitlist_promoted\nCOUPON_ISSUED: coupon_issued\nEVENT_REMINDER: event_reminder\nBROADCAST: broadcast\nGUIDE_MESSAGE: guide_message', enum_type=MessageKind, max_length=24),
        ),
        _state_only.AlterFieldState(
            model_name='Message',
            name='kind',
            field=fields.CharEnumField(description='EVENT_CANCELLED: event_cancelled\nWAITLIST_PROMOTED: waitlist_promoted\nCOUPON_ISSUED: coupon_issued\nEVENT_REMINDER: event_reminder\nBROADCAST: broadcast\nGUIDE_MESSAGE: guide_message', enum_type=MessageKind, max_length=24),
        ),
        _state_only.AlterFieldState(
            model_name='Touch',
            name='kind',
            field=fields.CharEnumField(description='SIGN_IN: sign_in\nREGISTRATION: registration\nGUIDE_SCAN: guide_scan\nINVITE_SCAN: invite_scan\nGUIDE_CHANGE: guide_change\nREFERRAL: referral\nPURCHASE: purchase\nPURCHASE_REVERSED: purchase_reversed\nCOUPON_ISSUED: coupon_issued\nCOUPON_WRITTEN_OFF: coupon_written_off\nEVENT_SIGN_UP: event_sign_up\nEVENT_CHECK_IN: event_check_in\nEVENT_INTERACTION: event_interaction\nBROADCAST_RECEIVED: broadcast_received\nTASK_DONE: task_done', enum_type=TouchKind, max_length=24),
        ),
    ]
