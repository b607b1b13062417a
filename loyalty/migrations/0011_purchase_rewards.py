from tortoise import migrations
from tortoise.migrations import operations as ops
from loyalty.triggers import Trigger
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0010_store_purchase_returns'), ('referral', '0001_initial'), ('referral', '0002_outbox'), ('referral', '0003_outbox_handed_at'), ('referral', '0004_fingerprints'), ('referral', '0005_report_dimensions'), ('referral', '0006_inbox_and_locale'), ('referral', '0007_phone_verified'), ('referral', '0008_subscribe_consent'), ('referral', '0009_inbound_messages'), ('referral', '0010_line_pushable'), ('referral', '0011_marketing_consent'), ('referral', '0012_broadcast_kind'), ('referral', '0013_broadcast_touch'), ('referral', '0014_guide_tasks_and_messages'), ('referral', '0015_wechat_receipts'), ('referral', '0016_touch_product'), ('referral', '0017_loyal_rule'), ('referral', '0018_order_match_keys'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Campaign',
            name='trigger',
            field=fields.CharEnumField(default=Trigger.CLAIM, description='CLAIM: claim\nPURCHASE: purchase\nEVENT_SIGN_UP: event_sign_up\nEVENT_CHECK_IN: event_check_in\nEVENT_INTERACTION: event_interaction', enum_type=Trigger, max_length=20),
        ),
        ops.AlterModelOptions(
            name='StepReward',
            options={'table': 'step_reward', 'app': 'loyalty', 'unique_together': (('campaign', 'step', 'beneficiary'),), 'indexes': [Index(fields=['member_id', 'granted_at']), Index(fields=['brand_id', 'step'])], 'pk_attr': 'id', 'table_description': 'What a campaign granted for an event step (a sign-up, a check-in, an answer) or a purchase (a'},
        ),
        ops.AddField(
            model_name='StepReward',
            name='points_entry',
            field=fields.ForeignKeyField('loyalty.PointsEntry', source_field='points_entry_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='StepReward',
            name='reversed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='StepReward',
            index=Index(fields=['brand_id', 'step']),
        ),
    ]
