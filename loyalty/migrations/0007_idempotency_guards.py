from tortoise import migrations
from tortoise.migrations import operations as ops

# Hand-written: partial unique indexes the model layer cannot declare. They make the database refuse
# one key used twice where the services' checks alone let two racing requests both through: a
# guide's write-off key on two coupons, and HQ's issue key (the brand's) on two issues.
# Purchases (points_cost > 0) keep their own rule: the key is the member's, per template.


class Migration(migrations.Migration):
    dependencies = [('loyalty', '0006_idempotency_lookups')]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "CREATE UNIQUE INDEX uniq_coupon_write_off_key ON coupon (written_off_by_id, write_off_key)",
                "CREATE UNIQUE INDEX uniq_coupon_hq_issue_key ON coupon (brand_id, idempotency_key) "
                "WHERE points_cost = 0 AND idempotency_key IS NOT NULL",
            ],
            reverse_sql=["DROP INDEX uniq_coupon_write_off_key", "DROP INDEX uniq_coupon_hq_issue_key"],
        ),
    ]
