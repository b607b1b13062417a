from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0005_campaign_credit'), ('referral', '0001_initial'), ('referral', '0002_outbox'), ('referral', '0003_outbox_handed_at'), ('referral', '0004_fingerprints'), ('referral', '0005_report_dimensions')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Coupon',
            index=Index(fields=['brand_id', 'idempotency_key']),
        ),
        ops.AddIndex(
            model_name='Coupon',
            index=Index(fields=['brand_id', 'write_off_key']),
        ),
    ]
