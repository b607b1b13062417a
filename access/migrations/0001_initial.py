from tortoise import migrations
from tortoise.migrations import operations as ops
from access.models import StaffRole
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('tenancy', '0001_initial'), ('referral', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='StaffAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('username', fields.CharField(max_length=64)),
                ('password_hash', fields.CharField(max_length=255)),
                ('role', fields.CharEnumField(description='HQ: hq\nSTORE_MANAGER: store_manager', enum_type=StaffRole, max_length=20)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('is_active', fields.BooleanField(default=True)),
                ('token_version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_sign_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_account', 'app': 'auth', 'unique_together': (('brand', 'username'),), 'pk_attr': 'id', 'table_description': 'A brand employee who signs in with a password (HQ, or a manager tied to one store).'},
            bases=['Model'],
        ),
    ]
