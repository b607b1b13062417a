from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from loyalty.models.campaigns import Beneficiary
from loyalty.models.points import EntryKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0002_coupons'), ('referral', '0001_initial'), ('tenancy', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=80)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('skus', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('first_purchase', fields.BooleanField(default=False)),
                ('every_nth', fields.IntField(null=True)),
                ('via_guide', fields.BooleanField(default=False)),
                ('invited_by_member', fields.BooleanField(default=False)),
                ('region', fields.CharField(null=True, max_length=64)),
                ('beneficiary', fields.CharEnumField(default=Beneficiary.MEMBER, description='MEMBER: member\nGUIDE: guide\nINVITER: inviter', enum_type=Beneficiary, max_length=8)),
                ('points', fields.IntField(default=0)),
                ('coupon_template', fields.ForeignKeyField('loyalty.CouponTemplate', source_field='coupon_template_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('stopped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaign', 'app': 'loyalty', 'constraints': [CheckConstraint(check='ends_at > starts_at AND points >= 0 AND (every_nth IS NULL OR every_nth >= 2)', name='campaign_sane')], 'indexes': [Index(fields=['brand_id', 'ends_at'])], 'pk_attr': 'id', 'table_description': 'One rule: when a claim meets every condition set here, the beneficiary gets the points and coupon.'},
            bases=['Model'],
        ),
        # tortoise 1.1.9's CreateModel records check constraints but does not create them.
        ops.AddConstraint(
            model_name='Campaign',
            constraint=CheckConstraint(check='ends_at > starts_at AND points >= 0 AND (every_nth IS NULL OR every_nth >= 2)', name='campaign_sane'),
        ),
        # SQLite added that check by rebuilding the table, which dropped its index.
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_campaign_brand_i_bce9f4" ON "campaign" ("brand_id", "ends_at")',
            reverse_sql="SELECT 1",
        ),
        ops.CreateModel(
            name='CampaignProgress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('loyalty.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'campaign_progress', 'app': 'loyalty', 'unique_together': (('campaign', 'member'),), 'pk_attr': 'id', 'table_description': 'Matching purchases a member made under a campaign: counted by an atomic increment for every Nth.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reward',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('loyalty.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('claim', fields.ForeignKeyField('loyalty.Claim', source_field='claim_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('beneficiary', fields.CharEnumField(description='MEMBER: member\nGUIDE: guide\nINVITER: inviter', enum_type=Beneficiary, max_length=8)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('points', fields.IntField(default=0)),
                ('points_entry', fields.ForeignKeyField('loyalty.PointsEntry', source_field='points_entry_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('coupon', fields.ForeignKeyField('loyalty.Coupon', source_field='coupon_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('shortfall', fields.CharField(null=True, max_length=40)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reversed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reward', 'app': 'loyalty', 'unique_together': (('campaign', 'claim', 'beneficiary'),), 'indexes': [Index(fields=['claim_id']), Index(fields=['member_id', 'granted_at'])], 'pk_attr': 'id', 'table_description': 'What one campaign granted for one claim to one beneficiary: at most once, by a unique constraint.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Claim',
            name='diverted',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Claim',
            name='reversal_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Claim',
            name='reversed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Claim',
            index=Index(fields=['batch_id', 'diverted']),
        ),
        ops.AddField(
            model_name='Coupon',
            name='points_cost',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='CouponTemplate',
            name='points_price',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='PointsAccount',
            name='debt',
            field=fields.BigIntField(default=0),
        ),
        ops.AddField(
            model_name='PointsAccount',
            name='purchases',
            field=fields.IntField(default=0),
        ),
        ops.AddConstraint(
            model_name='PointsAccount',
            constraint=CheckConstraint(check='debt >= 0', name='points_debt_not_negative'),
        ),
        ops.AddField(
            model_name='PointsEntry',
            name='coupon',
            field=fields.ForeignKeyField('loyalty.Coupon', source_field='coupon_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='PointsEntry',
            name='debt_change',
            field=fields.BigIntField(default=0),
        ),
        ops.AddField(
            model_name='PointsEntry',
            name='remaining',
            field=fields.BigIntField(default=0),
        ),
        ops.AlterField(
            model_name='PointsEntry',
            name='kind',
            field=fields.CharEnumField(description='EARN: earn\nSPEND: spend\nEXPIRE: expire\nADJUST: adjust\nREVERSE: reverse\nREFUND: refund', enum_type=EntryKind, max_length=8),
        ),
        ops.AddConstraint(
            model_name='PointsEntry',
            constraint=CheckConstraint(check='remaining >= 0', name='points_lot_not_negative'),
        ),
        ops.AlterModelOptions(
            name='PointsEntry',
            options={'table': 'points_entry', 'app': 'loyalty', 'constraints': [CheckConstraint(check='remaining >= 0', name='points_lot_not_negative')], 'indexes': [Index(fields=['member_id', 'created_at']), Index(fields=['member_id', 'remaining', 'expires_at']), Index(fields=['expires_at', 'remaining'])], 'pk_attr': 'id', 'table_description': 'One line of the append-only points ledger: the balance is the sum of `points`, the debt the sum of'},
        ),
        # SQLite adds the check by rebuilding the table, which drops its indexes: (re)create them after.
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_points_entr_member__c0fee0" ON "points_entry" ("member_id", "created_at")',
            reverse_sql="SELECT 1",
        ),
        ops.AddIndex(
            model_name='PointsEntry',
            index=Index(fields=['member_id', 'remaining', 'expires_at']),
        ),
        ops.AddIndex(
            model_name='PointsEntry',
            index=Index(fields=['expires_at', 'remaining']),
        ),
        ops.AddField(
            model_name='Rescan',
            name='suspicious',
            field=fields.BooleanField(default=False),
        ),
        # Before lots existed nothing was spent, so every earning is still whole.
        ops.RunSQL("UPDATE points_entry SET remaining = points WHERE kind = 'earn'", reverse_sql="SELECT 1"),
        # As in 0001: SQLite's rebuild for the new check dropped the one-to-one UNIQUE on member_id.
        ops.RunSQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS points_account_member_unique ON points_account (member_id)",
            reverse_sql="SELECT 1",
        ),
    ]
