// Compiled with tsc --strict against the generated types: proves they describe what the
// mini-program reads, with real types for the custom scalars.
import type {
  ClaimItemCodeMutation,
  MyInboxQuery,
  PointsShopQuery,
  RecordSubscribeResultsMutationVariables,
  SignInWithWechatMutation,
} from "./generated/graphql";

export function formatMoney(money: { amount: number; currency: string; digits: number }, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(
    money.amount / 10 ** money.digits,
  );
}

export function claimMessage(result: ClaimItemCodeMutation): string {
  const payload = result.claimItemCode;
  if (payload === null) return "Please sign in.";
  if (payload.errors.length > 0) return payload.errors.map((e) => `${e.code}: ${e.message}`).join("\n");
  const coupons = payload.rewards.flatMap((r) => (r.coupon ? [r.coupon.template?.name ?? r.campaignName] : []));
  return `+${payload.pointsEarned} points (balance ${payload.pointsBalance ?? 0}); coupons: ${coupons.join(", ")}`;
}

export function unread(result: MyInboxQuery): { count: number; titles: string[]; newest: Date | null } {
  const nodes = result.myInbox?.nodes ?? [];
  const first = nodes[0];
  return {
    count: result.myUnreadCount ?? 0,
    titles: nodes.filter((n) => n.readAt === null).map((n) => n.title),
    newest: first ? new Date(first.createdAt) : null,
  };
}

export function shop(result: PointsShopQuery, locale: string): string[] {
  const balance = result.myPoints?.balance ?? 0;
  return (result.couponTemplates?.nodes ?? [])
    .filter((t) => t.pointsPrice !== null && t.pointsPrice <= balance)
    .map((t) => `${t.name} (${formatMoney(t.value, locale)}) for ${t.pointsPrice} points`);
}

export function templatesToRequest(result: SignInWithWechatMutation): string[] {
  return result.signInWithWechat.viewer?.brand.wechatTemplates.map((t) => t.templateId) ?? [];
}

export const answered: RecordSubscribeResultsMutationVariables = {
  results: [{ templateId: "tpl", result: "ACCEPT" }],
  idempotencyKey: "popup-0001",
};
