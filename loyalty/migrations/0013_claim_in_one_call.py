"""The claim in one call on PostgreSQL: loyalty_claim() does what loyalty.services.claims.claim_stepwise
does in Python, in one round trip instead of five to eighteen. tests/loyalty/test_claim_paths.py
runs the same scenarios through both and compares every row they write: change one, change both.

Written by hand (PL/pgSQL is not generated); a later change is a new migration that replaces the
function, so that a database migrated at any point holds the function its code expects.
"""

from tortoise import migrations

from foundation.postgres_only import PostgresOnlySQL

# A campaign's points to a locked account: a lot, and the debt it repays on a line of its own
# (loyalty.services.points.earn).
EARN = r"""
CREATE OR REPLACE FUNCTION loyalty_earn(
  p_member integer, p_points integer, p_now timestamptz, p_valid_days integer, p_claim bigint,
  p_note text, p_campaign integer
) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  v_brand integer;
  v_balance bigint;
  v_debt bigint;
  v_repaid bigint;
  v_lot bigint;
BEGIN
  UPDATE points_account SET balance = balance + p_points WHERE member_id = p_member
    RETURNING brand_id, balance, debt INTO v_brand, v_balance, v_debt;
  v_repaid := LEAST(p_points, v_debt);
  INSERT INTO points_entry (brand_id, member_id, kind, points, balance_after, debt_change, remaining, claim_id,
    created_at, expires_at, note, campaign_id)
  VALUES (v_brand, p_member, 'earn', p_points, v_balance, 0, p_points - v_repaid, p_claim, p_now,
    p_now + p_valid_days * interval '24 hours', NULLIF(left(COALESCE(p_note, ''), 120), ''), p_campaign)
  RETURNING id INTO v_lot;
  IF v_repaid > 0 THEN
    UPDATE points_account SET balance = balance - v_repaid, debt = debt - v_repaid WHERE member_id = p_member;
    INSERT INTO points_entry (brand_id, member_id, kind, points, balance_after, debt_change, remaining, claim_id,
      created_at, note)
    VALUES (v_brand, p_member, 'adjust', -v_repaid, v_balance - v_repaid, -v_repaid, 0, p_claim, p_now,
      'debt repaid');
  END IF;
  RETURN v_lot;
END
$fn$
"""

# A coupon of a template to a member within its limits (loyalty.services.coupons.issue_within), with
# its touch and its notice (referral.services.outbox.enqueue). Returns the coupon's id and the
# template's validity, or NULL and why not in p_shortfall. The template's count is taken first, as in Python, and given back if the
# member's limit refuses: what Python's savepoint undoes.
ISSUE = r"""
CREATE OR REPLACE FUNCTION loyalty_issue_coupon(
  p_brand integer, p_template integer, p_member integer, p_now timestamptz, p_code text, p_campaign integer,
  OUT p_coupon bigint, OUT p_shortfall text, OUT p_valid_days integer
) LANGUAGE plpgsql AS $fn$
DECLARE
  t record;
  v_holding integer;
  v_expires timestamptz;
  v_params jsonb;
  v_line text;
  v_wechat text;
BEGIN
  SELECT id, name, valid_days, total_limit, per_member_limit INTO t FROM coupon_template WHERE id = p_template;
  p_valid_days := t.valid_days;
  IF t.total_limit IS NOT NULL THEN
    UPDATE coupon_template SET issued_count = issued_count + 1 WHERE id = t.id AND issued_count < total_limit;
    IF NOT FOUND THEN
      p_shortfall := 'COUPON_LIMIT_REACHED';
      RETURN;
    END IF;
  END IF;
  INSERT INTO coupon_holding (template_id, member_id, count) VALUES (t.id, p_member, 0)
    ON CONFLICT (template_id, member_id) DO NOTHING RETURNING id INTO v_holding;
  UPDATE coupon_holding SET count = count + 1
    WHERE template_id = t.id AND member_id = p_member AND count < t.per_member_limit;
  IF NOT FOUND THEN
    DELETE FROM coupon_holding WHERE id = v_holding;
    IF t.total_limit IS NOT NULL THEN
      UPDATE coupon_template SET issued_count = issued_count - 1 WHERE id = t.id;
    END IF;
    p_shortfall := 'COUPON_MEMBER_LIMIT_REACHED';
    RETURN;
  END IF;
  v_expires := p_now + t.valid_days * interval '24 hours';
  INSERT INTO coupon (brand_id, template_id, member_id, code, status, issued_at, expires_at, points_cost, campaign_id)
  VALUES (p_brand, t.id, p_member, p_code, 'issued', p_now, v_expires, 0, p_campaign)
  RETURNING id INTO p_coupon;
  -- Attributed to the guide the member is bound to now (referral.services.attribution.guide_at).
  INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, campaign_id, amount_cents, source)
  SELECT p_brand, p_member, 'coupon_issued', p_now, gb.guide_id, gb.store_id, p_campaign, 0, 'coupon:' || p_coupon
  FROM (SELECT 1) AS x LEFT JOIN guide_binding gb ON gb.id = (
    SELECT id FROM guide_binding WHERE brand_id = p_brand AND member_id = p_member AND started_at <= p_now
    ORDER BY started_at DESC, id DESC LIMIT 1) AND (gb.ended_at IS NULL OR gb.ended_at > p_now)
  ON CONFLICT DO NOTHING;
  -- The notice: the in-app inbox always; push over LINE, else WeChat; FAILED when neither reaches.
  v_params := jsonb_build_object(
    'coupon', t.name,
    'expires_at', to_char(v_expires AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
      || CASE WHEN date_part('microseconds', v_expires)::bigint % 1000000 = 0 THEN ''
         ELSE to_char(v_expires AT TIME ZONE 'UTC', '.US') END || '+00:00',
    'page', 'pages/coupons/index');
  INSERT INTO inbox_item (brand_id, member_id, kind, params, dedupe_key, created_at)
  VALUES (p_brand, p_member, 'coupon_issued', v_params, 'coupon:' || p_coupon, p_now)
  ON CONFLICT (brand_id, dedupe_key) DO NOTHING;
  SELECT MIN(subject) INTO v_line FROM member_identity
    WHERE member_id = p_member AND provider = 'line' AND (pushable IS NULL OR pushable);
  SELECT MIN(subject) INTO v_wechat FROM member_identity
    WHERE member_id = p_member AND provider = 'wechat' AND (pushable IS NULL OR pushable);
  INSERT INTO message (brand_id, member_id, kind, payload, dedupe_key, channel, recipient, retry_key, status,
    attempts, next_attempt_at, last_error, created_at)
  VALUES (p_brand, p_member, 'coupon_issued', v_params, 'coupon:' || p_coupon,
    CASE WHEN v_line IS NOT NULL THEN 'line' WHEN v_wechat IS NOT NULL THEN 'wechat' END,
    COALESCE(v_line, v_wechat), gen_random_uuid(),
    CASE WHEN COALESCE(v_line, v_wechat) IS NOT NULL THEN 'pending' ELSE 'failed' END, 0, p_now,
    CASE WHEN COALESCE(v_line, v_wechat) IS NULL THEN 'no channel' END, p_now)
  ON CONFLICT (brand_id, dedupe_key) DO NOTHING;
END
$fn$
"""

# The claim (loyalty.services.claims.claim_stepwise and loyalty.services.campaigns.apply). Answers a
# JSON object: {"error": code} for a refusal (REPLAY: the idempotency key has a claim already), or
# the claim, the batch, the balance, the points earned and the member's own rewards. MORE_CODES, with
# how many are wanted, when the running rules may give more coupons than codes were passed: nothing
# is written, and the caller calls again with as many.
CLAIM = r"""
CREATE OR REPLACE FUNCTION loyalty_claim(
  p_brand integer, p_member integer, p_batch integer, p_serial bigint, p_key_id integer, p_city text,
  p_now timestamptz, p_idempotency_key text, p_coupon_codes text[], p_default_valid_days integer
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  s record;
  r campaign;
  a record;
  v_rules campaign[];
  v_valid_days integer;
  v_city text := lower(p_city);
  v_guide_member integer;
  v_inviter integer;
  v_claim bigint;
  v_diverted boolean;
  v_count integer;
  v_winner integer;
  v_winner_city text;
  v_balance bigint;
  v_debt bigint;
  v_purchases integer;
  v_repaid bigint;
  v_receiver integer;
  v_entry bigint;
  v_coupon bigint;
  v_shortfall text;
  v_reward bigint;
  v_codes integer := 0;
  v_coupon_days integer;
  v_wanted integer := 0;
  v_credit integer;
  v_earned integer;
  v_rewards jsonb := '[]';
BEGIN
  -- The batch under a share lock (a revocation racing this claim commits first, and is seen here,
  -- or waits), the member, the brand's points validity, the guide bound now, the member's purchases.
  SELECT b.id, b.sku, b.product_name, b.product_line, b.quantity, b.price_cents, b.points_per_item, b.key_id,
    b.region, b.store_id, b.revoked_at, m.id AS member_id, m.registered_at, m.referrer_id, p.points_valid_days,
    gb.guide_id, gb.store_id AS bound_store_id, COALESCE(pa.purchases, 0) AS purchases_before
  INTO s FROM code_batch b
  LEFT JOIN member m ON m.id = p_member AND m.brand_id = b.brand_id AND m.deleted_at IS NULL
  LEFT JOIN loyalty_policy p ON p.brand_id = b.brand_id
  LEFT JOIN guide_binding gb ON gb.id = (
    SELECT id FROM guide_binding WHERE brand_id = p_brand AND member_id = p_member AND started_at <= p_now
    ORDER BY started_at DESC, id DESC LIMIT 1) AND (gb.ended_at IS NULL OR gb.ended_at > p_now)
  LEFT JOIN points_account pa ON pa.member_id = p_member
  WHERE b.id = p_batch AND b.brand_id = p_brand
  FOR SHARE OF b;
  IF NOT FOUND OR p_serial >= s.quantity OR s.key_id <> p_key_id THEN
    RETURN jsonb_build_object('error', 'ITEM_CODE_UNKNOWN');
  END IF;
  IF s.revoked_at IS NOT NULL THEN
    RETURN jsonb_build_object('error', 'BATCH_REVOKED');
  END IF;
  IF s.member_id IS NULL THEN
    RETURN jsonb_build_object('error', 'MEMBER_NOT_FOUND');
  END IF;
  IF s.registered_at IS NULL THEN
    RETURN jsonb_build_object('error', 'NOT_REGISTERED');
  END IF;
  v_valid_days := COALESCE(NULLIF(s.points_valid_days, 0), p_default_valid_days);

  -- The running rules whose conditions this claim meets, oldest first; "first purchase" as far as
  -- the count read above tells (counts only grow: a rule it rules out cannot match), checked again
  -- once the account is locked. Who they may reward is locked below; the coupons they may give are
  -- counted, and fewer codes passed are refused before any write.
  v_rules := ARRAY(
    SELECT c FROM campaign c
    WHERE c.brand_id = p_brand AND c.starts_at <= p_now AND c.ends_at > p_now AND c.stopped_at IS NULL
      AND c.trigger = 'claim'
      AND (c.skus = '[]'::jsonb OR c.skus ? s.sku)
      AND (NOT c.first_purchase OR s.purchases_before = 0)
      AND (NOT c.via_guide OR s.guide_id IS NOT NULL)
      AND (NOT c.invited_by_member OR s.referrer_id IS NOT NULL)
      AND (c.region IS NULL OR COALESCE(v_city, '') = lower(c.region))
    ORDER BY c.id);
  FOREACH r IN ARRAY v_rules LOOP
    IF r.beneficiary = 'guide' AND s.guide_id IS NOT NULL AND v_guide_member IS NULL THEN
      SELECT member_id INTO v_guide_member FROM guide WHERE id = s.guide_id;
    ELSIF r.beneficiary = 'inviter' THEN
      v_inviter := s.referrer_id;
    END IF;
    IF r.coupon_template_id IS NOT NULL THEN
      v_wanted := v_wanted + 1;
    END IF;
  END LOOP;
  IF v_wanted > COALESCE(array_length(p_coupon_codes, 1), 0) THEN
    RETURN jsonb_build_object('error', 'MORE_CODES', 'wanted', v_wanted);
  END IF;

  v_diverted := (s.region IS NOT NULL AND v_city IS NOT NULL AND v_city <> lower(s.region))
    OR (s.store_id IS NOT NULL AND s.bound_store_id IS NOT NULL AND s.bound_store_id <> s.store_id);
  -- The unique (batch, serial) decides; the unique (member, idempotency_key) finds a retry.
  INSERT INTO claim (brand_id, batch_id, serial, member_id, claimed_at, guide_id, store_id, city, points,
    idempotency_key, diverted)
  VALUES (p_brand, s.id, p_serial, p_member, p_now, s.guide_id, s.bound_store_id, p_city, s.points_per_item,
    p_idempotency_key, v_diverted)
  ON CONFLICT DO NOTHING RETURNING id INTO v_claim;
  IF v_claim IS NULL THEN
    IF p_idempotency_key IS NOT NULL
      AND EXISTS (SELECT 1 FROM claim WHERE member_id = p_member AND idempotency_key = p_idempotency_key) THEN
      RETURN jsonb_build_object('error', 'REPLAY');
    END IF;
    SELECT member_id, city INTO v_winner, v_winner_city FROM claim WHERE batch_id = s.id AND serial = p_serial;
    INSERT INTO rescan (brand_id, batch_id, serial, member_id, scanned_at, city, by_claimer, suspicious)
    VALUES (p_brand, s.id, p_serial, p_member, p_now, p_city, COALESCE(v_winner = p_member, false),
      NOT COALESCE(v_winner = p_member, false)
      OR (v_winner_city IS NOT NULL AND v_city IS NOT NULL AND v_city <> lower(v_winner_city)));
    RETURN jsonb_build_object('error', 'ITEM_CODE_ALREADY_CLAIMED');
  END IF;

  -- The accounts created and locked in member id order (two claims never wait for each other in a
  -- cycle), the purchase and its points on the member's.
  FOR a IN
    INSERT INTO points_account AS t (brand_id, member_id, balance, debt, purchases)
    SELECT p_brand, x.id, CASE WHEN x.id = p_member THEN s.points_per_item ELSE 0 END, 0,
      CASE WHEN x.id = p_member THEN 1 ELSE 0 END
    FROM (SELECT DISTINCT unnest(ARRAY[p_member, v_guide_member, v_inviter]) AS id) AS x
    WHERE x.id IS NOT NULL ORDER BY x.id
    ON CONFLICT (member_id) DO UPDATE SET balance = t.balance + excluded.balance,
      purchases = t.purchases + excluded.purchases
    RETURNING t.member_id, t.balance, t.debt, t.purchases
  LOOP
    IF a.member_id = p_member THEN
      v_balance := a.balance;
      v_debt := a.debt;
      v_purchases := a.purchases;
    END IF;
  END LOOP;
  -- The item's points, a lot of their own; a debt is repaid from them first, on a line of its own.
  IF s.points_per_item > 0 THEN
    v_repaid := LEAST(s.points_per_item, v_debt);
    INSERT INTO points_entry (brand_id, member_id, kind, points, balance_after, debt_change, remaining, claim_id,
      created_at, expires_at, note)
    VALUES (p_brand, p_member, 'earn', s.points_per_item, v_balance, 0, s.points_per_item - v_repaid, v_claim, p_now,
      p_now + v_valid_days * interval '24 hours', NULLIF(left(s.sku, 120), ''));
    IF v_repaid > 0 THEN
      v_balance := v_balance - v_repaid;
      v_debt := v_debt - v_repaid;
      UPDATE points_account SET balance = v_balance, debt = v_debt WHERE member_id = p_member;
      INSERT INTO points_entry (brand_id, member_id, kind, points, balance_after, debt_change, remaining, claim_id,
        created_at, note)
      VALUES (p_brand, p_member, 'adjust', -v_repaid, v_balance, -v_repaid, 0, v_claim, p_now, 'debt repaid');
    END IF;
  END IF;
  v_earned := s.points_per_item;

  FOREACH r IN ARRAY v_rules LOOP
    CONTINUE WHEN r.first_purchase AND v_purchases <> 1;
    v_receiver := CASE r.beneficiary WHEN 'member' THEN p_member WHEN 'guide' THEN v_guide_member
      ELSE s.referrer_id END;
    CONTINUE WHEN v_receiver IS NULL;
    IF r.every_nth IS NOT NULL THEN
      INSERT INTO campaign_progress AS t (campaign_id, member_id, count) VALUES (r.id, p_member, 1)
      ON CONFLICT (campaign_id, member_id) DO UPDATE SET count = t.count + 1
      RETURNING count INTO v_count;
      CONTINUE WHEN v_count % r.every_nth <> 0;
    END IF;
    v_entry := NULL;
    v_coupon := NULL;
    v_shortfall := NULL;
    IF r.points > 0 THEN
      v_entry := loyalty_earn(v_receiver, r.points, p_now, v_valid_days, v_claim, r.name, r.id);
      IF v_receiver = p_member THEN
        v_repaid := LEAST(r.points, v_debt);
        v_balance := v_balance + r.points - v_repaid;
        v_debt := v_debt - v_repaid;
      END IF;
    END IF;
    IF r.coupon_template_id IS NOT NULL THEN
      v_codes := v_codes + 1;
      SELECT i.p_coupon, i.p_shortfall, i.p_valid_days INTO v_coupon, v_shortfall, v_coupon_days
        FROM loyalty_issue_coupon(p_brand, r.coupon_template_id, v_receiver, p_now, p_coupon_codes[v_codes], r.id) i;
    END IF;
    INSERT INTO reward (brand_id, campaign_id, claim_id, beneficiary, member_id, points, points_entry_id, coupon_id,
      shortfall, granted_at)
    VALUES (p_brand, r.id, v_claim, r.beneficiary, v_receiver, r.points, v_entry, v_coupon, v_shortfall, p_now)
    RETURNING id INTO v_reward;
    -- The purchase is credited to the oldest rule that rewarded it.
    v_credit := COALESCE(v_credit, r.id);
    IF v_receiver = p_member THEN
      v_earned := v_earned + r.points;
      v_rewards := v_rewards || jsonb_build_object('id', v_reward, 'campaign_id', r.id, 'campaign_name', r.name,
        'beneficiary', r.beneficiary, 'points', r.points, 'points_entry_id', v_entry, 'coupon_id', v_coupon,
        'code', CASE WHEN v_coupon IS NOT NULL THEN p_coupon_codes[v_codes] END,
        'valid_days', CASE WHEN v_coupon IS NOT NULL THEN v_coupon_days END,
        'template_id', r.coupon_template_id, 'shortfall', v_shortfall);
    END IF;
  END LOOP;

  INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, campaign_id, amount_cents, source,
    product, product_line)
  VALUES (p_brand, p_member, 'purchase', p_now, s.guide_id, s.bound_store_id, v_credit, s.price_cents,
    'claim:' || v_claim, s.sku, s.product_line)
  ON CONFLICT DO NOTHING;
  RETURN jsonb_build_object(
    'claim_id', v_claim, 'guide_id', s.guide_id, 'store_id', s.bound_store_id, 'diverted', v_diverted,
    'batch', jsonb_build_object('sku', s.sku, 'product_name', s.product_name, 'product_line', s.product_line,
      'quantity', s.quantity, 'price_cents', s.price_cents, 'points_per_item', s.points_per_item,
      'key_id', s.key_id, 'region', s.region, 'store_id', s.store_id),
    'balance', v_balance, 'points_earned', v_earned, 'rewards', v_rewards, 'wanted', v_wanted);
END
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0012_batch_product_line"), ("referral", "0019_touch_product_line")]

    initial = False

    operations = [
        PostgresOnlySQL(
            [EARN, ISSUE, CLAIM],
            reverse_sql=[
                "DROP FUNCTION loyalty_claim(integer, integer, integer, bigint, integer, text, timestamptz, text, "
                "text[], integer)",
                "DROP FUNCTION loyalty_issue_coupon(integer, integer, integer, timestamptz, text, integer)",
                "DROP FUNCTION loyalty_earn(integer, integer, timestamptz, integer, bigint, text, integer)",
            ],
        ),
    ]
