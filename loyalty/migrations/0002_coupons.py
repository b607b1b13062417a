from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from loyalty.models import CouponKind, CouponStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial'), ('referral', '0001_initial'), ('tenancy', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CouponTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=80)),
                ('kind', fields.CharEnumField(description='GIFT: gift\nDISCOUNT: discount', enum_type=CouponKind, max_length=10)),
                ('value_cents', fields.IntField(default=0)),
                ('valid_days', fields.IntField()),
                ('total_limit', fields.IntField(null=True)),
                ('per_member_limit', fields.IntField(default=1)),
                ('issued_count', fields.IntField(default=0)),
                ('store_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'coupon_template', 'app': 'loyalty', 'pk_attr': 'id', 'table_description': 'What a coupon gives, for how long, how many may be issued, and where it can be used.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Coupon',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('template', fields.ForeignKeyField('loyalty.CouponTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=16)),
                ('status', fields.CharEnumField(default=CouponStatus.ISSUED, description='ISSUED: issued\nWRITTEN_OFF: written_off\nCANCELLED: cancelled', enum_type=CouponStatus, max_length=12)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('written_off_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('written_off_by', fields.ForeignKeyField('referral.Guide', source_field='written_off_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('written_off_store', fields.ForeignKeyField('referral.Store', source_field='written_off_store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('idempotency_key', fields.CharField(null=True, max_length=64)),
                ('write_off_key', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'coupon', 'app': 'loyalty', 'unique_together': (('brand', 'code'), ('template', 'idempotency_key')), 'indexes': [Index(fields=['member_id', 'status'])], 'pk_attr': 'id', 'table_description': 'One coupon issued to one member (written off once, by a guide, in a valid store, before it expires).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CouponHolding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('template', fields.ForeignKeyField('loyalty.CouponTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'coupon_holding', 'app': 'loyalty', 'unique_together': (('template', 'member'),), 'pk_attr': 'id', 'table_description': 'How many coupons of a template a member holds: the per-member limit is a conditional UPDATE on it.'},
            bases=['Model'],
        ),
        # tortoise 1.1.9's CreateModel records check constraints but does not create them.
        ops.AddConstraint(
            model_name='CouponTemplate',
            constraint=CheckConstraint(check='total_limit IS NULL OR issued_count <= total_limit', name='coupon_template_within_limit'),
        ),
    ]
