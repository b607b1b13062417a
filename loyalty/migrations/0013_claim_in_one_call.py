"""The claim in one call on PostgreSQL: loyalty_claim() does what loyalty.services.claims.claim_stepwise
does in Python, in one round trip instead of five to eighteen. tests/loyalty/test_claim_paths.py
runs the same scenarios through both and compares every row they write: change one, change both.

Written by hand (PL/pgSQL is not generated); a later change is a new migration that replaces the
function, so that a database migrated at any point holds the function its code expects.
"""

from tortoise import migrations

from foundation.postgres_only import PostgresOnlySQL

# A lot of points, and the debt it repays on a line of its own (loyalty.services.points.earn).
# Credited: the account row already holds the points (the claim's purchase, added when it was locked).
EARN = r"""
CREATE OR REPLACE FUNCTION loyalty_earn(
  p_member integer, p_points integer, p_now timestamptz, p_valid_days integer, p_claim bigint,
  p_note text, p_campaign integer, p_credited boolean
) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  v_brand integer;
  v_balance bigint;
  v_debt bigint;
  v_repaid bigint;
  v_lot bigint;
BEGIN
  IF p_credited THEN
    SELECT brand_id, balance, debt INTO v_brand, v_balance, v_debt FROM points_account WHERE member_id = p_member;
  ELSE
    UPDATE points_account SET balance = balance + p_points WHERE member_id = p_member
      RETURNING brand_id, balance, debt INTO v_brand, v_balance, v_debt;
  END IF;
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
# its touch and its notice (referral.services.outbox.enqueue). Returns the coupon's id, or NULL and
# why not in p_shortfall. The template's count is taken first, as in Python, and given back if the
# member's limit refuses: what Python's savepoint undoes.
ISSUE = r"""
CREATE OR REPLACE FUNCTION loyalty_issue_coupon(
  p_brand integer, p_template integer, p_member integer, p_now timestamptz, p_code text, p_campaign integer,
  OUT p_coupon bigint, OUT p_shortfall text
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
  b record;
  r record;
  v_registered timestamptz;
  v_referrer integer;
  v_valid_days integer;
  v_guide integer;
  v_store integer;
  v_guide_member integer;
  v_inviter integer;
  v_for_guide boolean;
  v_for_inviter boolean;
  v_claim bigint;
  v_diverted boolean;
  v_skip boolean;
  v_winner integer;
  v_winner_city text;
  v_purchases integer;
  v_receiver integer;
  v_entry bigint;
  v_coupon bigint;
  v_shortfall text;
  v_reward bigint;
  v_codes integer := 0;
  v_wanted integer;
  v_credit integer;
  v_earned integer;
  v_rewards jsonb := '[]';
BEGIN
  -- Under a share lock: a revocation racing this claim commits first (refused here) or waits.
  SELECT id, sku, product_name, product_line, quantity, price_cents, points_per_item, key_id, region, store_id,
    revoked_at INTO b FROM code_batch WHERE id = p_batch AND brand_id = p_brand FOR SHARE;
  IF NOT FOUND OR p_serial >= b.quantity OR b.key_id <> p_key_id THEN
    RETURN jsonb_build_object('error', 'ITEM_CODE_UNKNOWN');
  END IF;
  IF b.revoked_at IS NOT NULL THEN
    RETURN jsonb_build_object('error', 'BATCH_REVOKED');
  END IF;
  SELECT registered_at, referrer_id INTO v_registered, v_referrer FROM member
    WHERE id = p_member AND brand_id = p_brand AND deleted_at IS NULL;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('error', 'MEMBER_NOT_FOUND');
  END IF;
  IF v_registered IS NULL THEN
    RETURN jsonb_build_object('error', 'NOT_REGISTERED');
  END IF;
  SELECT points_valid_days INTO v_valid_days FROM loyalty_policy WHERE brand_id = p_brand;
  v_valid_days := COALESCE(NULLIF(v_valid_days, 0), p_default_valid_days);
  SELECT gb.guide_id, gb.store_id INTO v_guide, v_store FROM guide_binding gb WHERE gb.id = (
    SELECT id FROM guide_binding WHERE brand_id = p_brand AND member_id = p_member AND started_at <= p_now
    ORDER BY started_at DESC, id DESC LIMIT 1) AND (gb.ended_at IS NULL OR gb.ended_at > p_now);

  -- Who the running rules may reward, and how many coupons they may give at most (their conditions
  -- on the purchase count aside): refused before any write when fewer codes were passed.
  SELECT COALESCE(bool_or(beneficiary = 'guide'), false), COALESCE(bool_or(beneficiary = 'inviter'), false),
    count(*) FILTER (WHERE coupon_template_id IS NOT NULL AND (skus = '[]'::jsonb OR skus ? b.sku)
      AND (NOT via_guide OR v_guide IS NOT NULL) AND (NOT invited_by_member OR v_referrer IS NOT NULL)
      AND (region IS NULL OR lower(COALESCE(p_city, '')) = lower(region)))
    INTO v_for_guide, v_for_inviter, v_wanted FROM campaign
    WHERE brand_id = p_brand AND starts_at <= p_now AND ends_at > p_now AND stopped_at IS NULL AND trigger = 'claim';
  IF v_wanted > COALESCE(array_length(p_coupon_codes, 1), 0) THEN
    RETURN jsonb_build_object('error', 'MORE_CODES', 'wanted', v_wanted);
  END IF;
  v_diverted := (b.region IS NOT NULL AND p_city IS NOT NULL AND lower(p_city) <> lower(b.region))
    OR (b.store_id IS NOT NULL AND v_store IS NOT NULL AND v_store <> b.store_id);
  -- The unique (batch, serial) decides; the unique (member, idempotency_key) finds a retry.
  INSERT INTO claim (brand_id, batch_id, serial, member_id, claimed_at, guide_id, store_id, city, points,
    idempotency_key, diverted)
  VALUES (p_brand, b.id, p_serial, p_member, p_now, v_guide, v_store, p_city, b.points_per_item, p_idempotency_key,
    v_diverted)
  ON CONFLICT DO NOTHING RETURNING id INTO v_claim;
  IF v_claim IS NULL THEN
    IF p_idempotency_key IS NOT NULL
      AND EXISTS (SELECT 1 FROM claim WHERE member_id = p_member AND idempotency_key = p_idempotency_key) THEN
      RETURN jsonb_build_object('error', 'REPLAY');
    END IF;
    SELECT member_id, city INTO v_winner, v_winner_city FROM claim WHERE batch_id = b.id AND serial = p_serial;
    INSERT INTO rescan (brand_id, batch_id, serial, member_id, scanned_at, city, by_claimer, suspicious)
    VALUES (p_brand, b.id, p_serial, p_member, p_now, p_city, COALESCE(v_winner = p_member, false),
      NOT COALESCE(v_winner = p_member, false)
      OR (v_winner_city IS NOT NULL AND p_city IS NOT NULL AND lower(p_city) <> lower(v_winner_city)));
    RETURN jsonb_build_object('error', 'ITEM_CODE_ALREADY_CLAIMED');
  END IF;

  -- Every account a running campaign may reward, created and locked in member id order (so two
  -- claims never wait for each other in a cycle), the purchase and its points on the member's.
  IF v_for_guide AND v_guide IS NOT NULL THEN
    SELECT member_id INTO v_guide_member FROM guide WHERE id = v_guide;
  END IF;
  IF v_for_inviter THEN
    v_inviter := v_referrer;
  END IF;
  INSERT INTO points_account (brand_id, member_id, balance, debt, purchases)
  SELECT p_brand, x.id, CASE WHEN x.id = p_member THEN b.points_per_item ELSE 0 END, 0,
    CASE WHEN x.id = p_member THEN 1 ELSE 0 END
  FROM (SELECT DISTINCT unnest(ARRAY[p_member, v_guide_member, v_inviter]) AS id) AS x
  WHERE x.id IS NOT NULL ORDER BY x.id
  ON CONFLICT (member_id) DO UPDATE SET balance = points_account.balance + excluded.balance,
    purchases = points_account.purchases + excluded.purchases;
  SELECT purchases INTO v_purchases FROM points_account WHERE member_id = p_member;
  IF b.points_per_item > 0 THEN
    PERFORM loyalty_earn(p_member, b.points_per_item, p_now, v_valid_days, v_claim, b.sku, NULL, true);
  END IF;
  v_earned := b.points_per_item;

  -- The running rules, oldest first, each checked against this claim (loyalty.services.campaigns).
  FOR r IN
    SELECT c.id, c.name, c.beneficiary, c.points, c.coupon_template_id, c.every_nth FROM campaign c
    WHERE c.brand_id = p_brand AND c.starts_at <= p_now AND c.ends_at > p_now AND c.stopped_at IS NULL
      AND c.trigger = 'claim'
      AND (c.skus = '[]'::jsonb OR c.skus ? b.sku)
      AND (NOT c.first_purchase OR v_purchases = 1)
      AND (NOT c.via_guide OR v_guide IS NOT NULL)
      AND (NOT c.invited_by_member OR v_referrer IS NOT NULL)
      AND (c.region IS NULL OR lower(COALESCE(p_city, '')) = lower(c.region))
    ORDER BY c.id
  LOOP
    v_receiver := CASE r.beneficiary WHEN 'member' THEN p_member WHEN 'guide' THEN v_guide_member
      ELSE v_referrer END;
    CONTINUE WHEN v_receiver IS NULL;
    IF r.every_nth IS NOT NULL THEN
      INSERT INTO campaign_progress (campaign_id, member_id, count) VALUES (r.id, p_member, 1)
      ON CONFLICT (campaign_id, member_id) DO UPDATE SET count = campaign_progress.count + 1
      RETURNING count % r.every_nth <> 0 INTO v_skip;
      CONTINUE WHEN v_skip;
    END IF;
    v_entry := NULL;
    v_coupon := NULL;
    v_shortfall := NULL;
    IF r.points > 0 THEN
      v_entry := loyalty_earn(v_receiver, r.points, p_now, v_valid_days, v_claim, r.name, r.id, false);
    END IF;
    IF r.coupon_template_id IS NOT NULL THEN
      v_codes := v_codes + 1;
      IF v_codes > COALESCE(array_length(p_coupon_codes, 1), 0) THEN
        RAISE EXCEPTION 'more coupons due than counted';  -- cannot happen: v_wanted bounds them
      END IF;
      SELECT i.p_coupon, i.p_shortfall INTO v_coupon, v_shortfall
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
        'valid_days', CASE WHEN v_coupon IS NOT NULL THEN (SELECT valid_days FROM coupon_template
          WHERE id = r.coupon_template_id) END, 'template_id', r.coupon_template_id, 'shortfall', v_shortfall);
    END IF;
  END LOOP;

  INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, campaign_id, amount_cents, source,
    product, product_line)
  VALUES (p_brand, p_member, 'purchase', p_now, v_guide, v_store, v_credit, b.price_cents, 'claim:' || v_claim,
    b.sku, b.product_line)
  ON CONFLICT DO NOTHING;
  RETURN jsonb_build_object(
    'claim_id', v_claim, 'guide_id', v_guide, 'store_id', v_store,
    'diverted', v_diverted,
    'batch', jsonb_build_object('sku', b.sku, 'product_name', b.product_name, 'product_line', b.product_line,
      'quantity', b.quantity, 'price_cents', b.price_cents, 'points_per_item', b.points_per_item,
      'key_id', b.key_id, 'region', b.region, 'store_id', b.store_id),
    'balance', (SELECT balance FROM points_account WHERE member_id = p_member),
    'points_earned', v_earned, 'rewards', v_rewards);
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
                "DROP FUNCTION loyalty_earn(integer, integer, timestamptz, integer, bigint, text, integer, boolean)",
            ],
        ),
    ]
