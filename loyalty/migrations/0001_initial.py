from tortoise import migrations
from tortoise.migrations import operations as ops
from loyalty.models import EntryKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('referral', '0001_initial'), ('tenancy', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='CodeBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('sku', fields.CharField(max_length=40)),
                ('product_name', fields.CharField(max_length=120)),
                ('quantity', fields.IntField()),
                ('price_cents', fields.IntField()),
                ('points_per_item', fields.IntField()),
                ('key_id', fields.SmallIntField()),
                ('region', fields.CharField(null=True, max_length=64)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'code_batch', 'app': 'loyalty', 'pk_attr': 'id', 'table_description': 'A production run of item codes for one SKU: a row for the run, none per code.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Claim',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('batch', fields.ForeignKeyField('loyalty.CodeBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('serial', fields.BigIntField()),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('claimed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('guide', fields.ForeignKeyField('referral.Guide', source_field='guide_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('city', fields.CharField(null=True, max_length=64)),
                ('points', fields.IntField()),
                ('idempotency_key', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'claim', 'app': 'loyalty', 'unique_together': (('batch', 'serial'), ('member', 'idempotency_key')), 'indexes': [Index(fields=['brand_id', 'claimed_at'])], 'pk_attr': 'id', 'table_description': 'The one successful claim of an item code: (batch, serial) is unique, so the first one wins.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoyaltyPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('item_url_base', fields.CharField(default='https://mp.example.com/i', max_length=200)),
                ('max_batch_size', fields.IntField(default=50000000)),
                ('points_valid_days', fields.IntField(default=365)),
            ],
            options={'table': 'loyalty_policy', 'app': 'loyalty', 'pk_attr': 'id', 'table_description': "A brand's loyalty settings."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.OneToOneField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('balance', fields.BigIntField(default=0)),
            ],
            options={'table': 'points_account', 'app': 'loyalty', 'pk_attr': 'id', 'table_description': "A member's balance, kept in step with the ledger inside each transaction."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='EARN: earn\nSPEND: spend\nEXPIRE: expire\nADJUST: adjust', enum_type=EntryKind, max_length=8)),
                ('points', fields.BigIntField()),
                ('balance_after', fields.BigIntField()),
                ('claim', fields.ForeignKeyField('loyalty.Claim', source_field='claim_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.CharField(null=True, max_length=120)),
            ],
            options={'table': 'points_entry', 'app': 'loyalty', 'indexes': [Index(fields=['member_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "One line of the append-only points ledger (the balance is the sum of the member's lines)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rescan',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('batch', fields.ForeignKeyField('loyalty.CodeBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('serial', fields.BigIntField()),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('scanned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('city', fields.CharField(null=True, max_length=64)),
                ('by_claimer', fields.BooleanField()),
            ],
            options={'table': 'rescan', 'app': 'loyalty', 'indexes': [Index(fields=['batch_id', 'serial'])], 'pk_attr': 'id', 'table_description': 'A scan of a code that was already claimed: a possible counterfeit or a shared photo of a code.'},
            bases=['Model'],
        ),
        # tortoise 1.1.9's CreateModel records check constraints but does not create them: add them explicitly.
        ops.AddConstraint(
            model_name='CodeBatch',
            constraint=CheckConstraint(check='quantity > 0 AND price_cents >= 0 AND points_per_item >= 0', name='code_batch_sane'),
        ),
        ops.AddConstraint(
            model_name='PointsAccount',
            constraint=CheckConstraint(check='balance >= 0', name='points_balance_not_negative'),
        ),
        # SQLite adds a check by rebuilding the table, and tortoise's rebuild drops the one-to-one
        # UNIQUE on member_id: restore it (on PostgreSQL this duplicates the kept constraint, harmlessly).
        ops.RunSQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS points_account_member_unique ON points_account (member_id)",
            reverse_sql="DROP INDEX IF EXISTS points_account_member_unique",
        ),
    ]
