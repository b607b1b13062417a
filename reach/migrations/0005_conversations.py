from tortoise import migrations
from tortoise.migrations import operations as ops
from reach.models import ConversationStatus, Direction, KeywordMatch
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial'), ('loyalty', '0002_coupons'), ('loyalty', '0003_campaigns_points_lots'), ('loyalty', '0004_event_step_rewards'), ('loyalty', '0005_campaign_credit'), ('loyalty', '0006_idempotency_lookups'), ('loyalty', '0007_idempotency_guards'), ('reach', '0004_journeys'), ('referral', '0001_initial'), ('referral', '0002_outbox'), ('referral', '0003_outbox_handed_at'), ('referral', '0004_fingerprints'), ('referral', '0005_report_dimensions'), ('referral', '0006_inbox_and_locale'), ('referral', '0007_phone_verified'), ('referral', '0008_subscribe_consent'), ('referral', '0009_inbound_messages'), ('referral', '0010_line_pushable'), ('referral', '0011_marketing_consent'), ('referral', '0012_broadcast_kind'), ('referral', '0013_broadcast_touch'), ('referral', '0014_guide_tasks_and_messages'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Conversation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('guide_id', fields.IntField(null=True)),
                ('status', fields.CharEnumField(default=ConversationStatus.WAITING, description='WAITING: waiting\nANSWERED: answered', enum_type=ConversationStatus, max_length=10)),
                ('last_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'conversation', 'app': 'reach', 'unique_together': (('brand', 'member'),), 'indexes': [Index(fields=['guide_id', 'last_at']), Index(fields=['brand_id', 'last_at'])], 'pk_attr': 'id', 'table_description': "A member's thread with the brand, one per member, across WeChat and LINE."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConversationMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('conversation', fields.ForeignKeyField('reach.Conversation', source_field='conversation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('direction', fields.CharEnumField(description='IN: in\nOUT: out', enum_type=Direction, max_length=4)),
                ('channel', fields.CharField(null=True, max_length=8)),
                ('text', fields.TextField(unique=False)),
                ('author', fields.CharField(null=True, max_length=40)),
                ('via', fields.CharField(null=True, max_length=20)),
                ('inbound_id', fields.BigIntField(null=True, unique=True)),
                ('request_key', fields.CharField(null=True, unique=True, max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'conversation_message', 'app': 'reach', 'indexes': [Index(fields=['conversation_id', 'at'])], 'pk_attr': 'id', 'table_description': "One message of a conversation: the member's (a copy of the inbound message, once) or an answer."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KeywordReply',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('keyword', fields.CharField(max_length=40)),
                ('match', fields.CharEnumField(description='EXACT: exact\nCONTAINS: contains', enum_type=KeywordMatch, max_length=8)),
                ('locale', fields.CharField(null=True, max_length=16)),
                ('reply', fields.CharField(max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'keyword_reply', 'app': 'reach', 'unique_together': (('brand', 'keyword', 'match', 'locale'),), 'pk_attr': 'id', 'table_description': "HQ's automatic answer to a member's message that is (or contains) a keyword, per locale."},
            bases=['Model'],
        ),
    ]
