from tortoise import migrations
from tortoise.migrations import operations as ops
from referral.models.fingerprints import FingerprintKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('referral', '0003_outbox_handed_at'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Fingerprint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='DEVICE: device\nIP: ip', enum_type=FingerprintKind, max_length=8)),
                ('digest', fields.CharField(max_length=32)),
                ('first_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_fingerprint', 'app': 'referral', 'unique_together': (('member', 'kind', 'digest'),), 'indexes': [Index(fields=['brand_id', 'kind', 'digest'])], 'pk_attr': 'id', 'table_description': 'One (member, kind, digest), with when it was first and last seen. Only keyed hashes are'},
            bases=['Model'],
        ),
    ]
