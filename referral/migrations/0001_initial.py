from tortoise import migrations
from tortoise.migrations import operations as ops
from referral.models.enums import BindingReason, Channel, Gender, GuideRole, GuideStatus, IdentityProvider, TouchKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('tenancy', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ReferralPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('invite_url_base', fields.CharField(default='https://mp.example.com/r', max_length=200)),
                ('allow_guide_switch', fields.BooleanField(default=False)),
                ('switch_after_days', fields.IntField(default=90)),
                ('lapsed_after_days', fields.IntField(default=90)),
                ('vip_revenue_cents', fields.BigIntField(default=200000)),
            ],
            options={'table': 'referral_policy', 'app': 'referral', 'pk_attr': 'id', 'table_description': "A brand's referral settings: where QR codes lead, and whether members may change guide."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Store',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=120)),
                ('city', fields.CharField(null=True, max_length=64)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'store', 'app': 'referral', 'unique_together': (('brand', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('registered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('invite_code', fields.CharField(max_length=16)),
                ('channel', fields.CharEnumField(null=True, description='GUIDE_QR: guide_qr\nMEMBER_INVITE: member_invite\nPRODUCT_SCAN: product_scan\nEVENT: event\nORGANIC: organic', enum_type=Channel, max_length=16)),
                ('referrer', fields.ForeignKeyField('referral.Member', source_field='referrer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('origin_store', fields.ForeignKeyField('referral.Store', source_field='origin_store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('display_name', fields.CharField(null=True, max_length=64)),
                ('name', fields.CharField(null=True, max_length=64)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('phone_consent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('birthday', fields.DateField(null=True)),
                ('baby_due_date', fields.DateField(null=True)),
                ('baby_birth_date', fields.DateField(null=True)),
                ('gender', fields.CharEnumField(null=True, description='FEMALE: female\nMALE: male\nOTHER: other', enum_type=Gender, max_length=8)),
                ('city', fields.CharField(null=True, max_length=64)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member', 'app': 'referral', 'unique_together': (('brand', 'invite_code'),), 'indexes': [Index(fields=['referrer_id']), Index(fields=['brand_id', 'registered_at'])], 'pk_attr': 'id', 'table_description': 'A consumer of one brand (the same person in another brand is another member).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoreEnrolment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'store_enrolment', 'app': 'referral', 'pk_attr': 'id', 'table_description': 'An enrolment QR for one store: guides join through it until it expires or is revoked.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
                ('description', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tag', 'app': 'referral', 'unique_together': (('brand', 'name'),), 'pk_attr': 'id', 'table_description': 'A tag HQ defines and puts on members (automatic tags are computed, not stored).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Guide',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(default=GuideRole.GUIDE, description='GUIDE: guide\nMANAGER: manager', enum_type=GuideRole, max_length=16)),
                ('status', fields.CharEnumField(default=GuideStatus.PENDING, description='PENDING: pending\nACTIVE: active\nINACTIVE: inactive', enum_type=GuideStatus, max_length=16)),
                ('invite_code', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('left_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guide', 'app': 'referral', 'unique_together': (('brand', 'member'), ('brand', 'invite_code')), 'pk_attr': 'id', 'table_description': 'A member enrolled as a shop guide (or store manager) of one store.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuideBinding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('guide', fields.ForeignKeyField('referral.Guide', source_field='guide_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.CharEnumField(description='REGISTRATION: registration\nSWITCH: switch\nREASSIGNMENT: reassignment', enum_type=BindingReason, max_length=16)),
            ],
            options={'table': 'guide_binding', 'app': 'referral', 'indexes': [Index(fields=['member_id', 'started_at'])], 'pk_attr': 'id', 'table_description': 'A dated period during which a guide served a member: attribution of the past reads these.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='identities', on_delete=OnDelete.CASCADE)),
                ('provider', fields.CharEnumField(description='WECHAT: wechat\nLINE: line\nDEV: dev', enum_type=IdentityProvider, max_length=16)),
                ('subject', fields.CharField(max_length=128)),
                ('unionid', fields.CharField(null=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_identity', 'app': 'referral', 'unique_together': (('brand', 'provider', 'subject'), ('member', 'provider')), 'pk_attr': 'id', 'table_description': 'A proven sign-in identity (WeChat openid, LINE user id) that leads to one member.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('tag', fields.ForeignKeyField('referral.Tag', source_field='tag_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_tag', 'app': 'referral', 'unique_together': (('member', 'tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Touch',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='SIGN_IN: sign_in\nREGISTRATION: registration\nGUIDE_SCAN: guide_scan\nINVITE_SCAN: invite_scan\nGUIDE_CHANGE: guide_change\nREFERRAL: referral\nPURCHASE: purchase\nPURCHASE_REVERSED: purchase_reversed\nCOUPON_ISSUED: coupon_issued\nCOUPON_WRITTEN_OFF: coupon_written_off\nEVENT_SIGN_UP: event_sign_up\nEVENT_CHECK_IN: event_check_in\nEVENT_INTERACTION: event_interaction', enum_type=TouchKind, max_length=24)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('guide', fields.ForeignKeyField('referral.Guide', source_field='guide_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharEnumField(null=True, description='GUIDE_QR: guide_qr\nMEMBER_INVITE: member_invite\nPRODUCT_SCAN: product_scan\nEVENT: event\nORGANIC: organic', enum_type=Channel, max_length=16)),
                ('campaign', fields.CharField(null=True, max_length=64)),
                ('event_ref', fields.CharField(null=True, max_length=64)),
                ('amount_cents', fields.BigIntField(default=0)),
                ('other_member', fields.ForeignKeyField('referral.Member', source_field='other_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('source', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'touch', 'app': 'referral', 'unique_together': (('brand', 'kind', 'source'),), 'indexes': [Index(fields=['brand_id', 'occurred_at']), Index(fields=['member_id', 'occurred_at']), Index(fields=['guide_id', 'occurred_at'])], 'pk_attr': 'id', 'table_description': 'One touch point, append-only. Other domains report theirs through referral.services.touches.'},
            bases=['Model'],
        ),
        # Member and Guide refer to each other: Member is created first, its guide links after Guide.
        ops.AddField(
            model_name='Member',
            name='origin_guide',
            field=fields.ForeignKeyField('referral.Guide', source_field='origin_guide_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Member',
            name='guide',
            field=fields.ForeignKeyField('referral.Guide', source_field='guide_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(model_name='Member', index=Index(fields=['brand_id', 'guide_id'])),
        ops.AddIndex(model_name='Member', index=Index(fields=['brand_id', 'origin_guide_id'])),
    ]
