from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial'), ('loyalty', '0002_coupons'), ('loyalty', '0003_campaigns_points_lots'), ('loyalty', '0004_event_step_rewards'), ('loyalty', '0005_campaign_credit'), ('loyalty', '0006_idempotency_lookups'), ('loyalty', '0007_idempotency_guards'), ('referral', '0017_loyal_rule'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StorePurchase',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('recorded_by', fields.ForeignKeyField('referral.Guide', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('receipt_number', fields.CharField(max_length=64)),
                ('items', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('total_cents', fields.BigIntField()),
                ('points', fields.IntField()),
                ('purchased_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'store_purchase', 'app': 'loyalty', 'unique_together': (('store', 'receipt_number'),), 'indexes': [Index(fields=['member_id', 'purchased_at'])], 'pk_attr': 'id', 'table_description': "A purchase at a store's till, recorded by a guide for a member: the receipt's lines, its total"},
            bases=['Model'],
        ),
    ]
