import { gql } from "./api";
import { el, go, type Money, money } from "./dom";
import { number, t } from "./i18n";

const SEARCH = `query($s: String, $after: String) {
  members(first: 20, search: $s, after: $after) {
    nodes { id displayName name inviteCode phone registeredAt guide { name } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PROFILE = `query($id: ID!) {
  member(id: $id) {
    id displayName name phone inviteCode registeredAt channel guide { name } referrer { id displayName name inviteCode }
    profile { stage tags purchases revenue { amount currency digits } value { total } lastTouchAt }
    timeline(first: 20) { nodes { kind occurredAt amount { amount currency digits } } }
  }
  ancestors(memberId: $id) { depth member { id displayName name inviteCode } }
  descendants(memberId: $id, first: 200) { total links { depth member { id displayName name inviteCode referrer { id } } } }
}`;

interface Someone {
  id: string;
  displayName: string | null;
  name: string | null;
  inviteCode: string;
}
interface Listed extends Someone {
  phone: string | null;
  registeredAt: string | null;
  guide: { name: string | null } | null;
}
interface Profile extends Someone {
  phone: string | null;
  registeredAt: string | null;
  channel: string | null;
  guide: { name: string | null } | null;
  referrer: Someone | null;
  profile: { stage: string; tags: string[]; purchases: number; revenue: Money; value: { total: number } };
  timeline: { nodes: { kind: string; occurredAt: string; amount: Money }[] };
}
interface Link {
  depth: number;
  member: Someone & { referrer?: { id: string } | null };
}

// Many members never give a name: their invite code tells them apart.
function called(m: Someone): string {
  return m.displayName ?? m.name ?? m.inviteCode;
}

// Members: a search, a page of results at a time, and the chosen member's profile, timeline and
// referral tree (who brought them, and everyone they brought, as a tree one can open and close).
export async function members(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const query = params.get("q") ?? "";
  const chosen = params.get("id");
  const box = el("input", { type: "search", name: "q", "data-testid": "member-search", value: query });
  const form = el("form", { class: "toolbar" }, el("label", {}, t("search"), box), el("button", { type: "submit" }, t("find")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go("members", { q: box.value.trim() });
  });
  const list = el("ul", { class: "members", "data-testid": "member-list" });
  const more = el("button", { type: "button", "data-testid": "more" }, t("more"));
  let after: string | null = null;
  async function page(): Promise<void> {
    const data = await gql<{ members: { nodes: Listed[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      SEARCH,
      { s: query || null, after },
    );
    for (const m of data.members.nodes) {
      const link = el("a", { href: `#/members?${new URLSearchParams({ q: query, id: m.id })}`, "data-member": m.id }, called(m));
      list.append(el("li", {}, link, el("small", {}, ` ${m.phone ?? ""} · ${m.guide?.name ?? ""}`)));
    }
    after = data.members.pageInfo.endCursor;
    more.hidden = !data.members.pageInfo.hasNextPage;
  }
  more.addEventListener("click", () => void page());
  await page();
  const detail = el("div", { class: "detail", "data-testid": "member-detail" });
  root.replaceChildren(el("section", { "data-page": "members" }, form, el("div", { class: "split" }, el("div", {}, list, more), detail)));
  if (chosen) await profile(detail, chosen);
}

async function profile(host: HTMLElement, id: string): Promise<void> {
  const data = await gql<{ member: Profile | null; ancestors: Link[] | null; descendants: { total: number; links: Link[] } | null }>(
    PROFILE,
    { id },
  );
  const m = data.member;
  if (!m) {
    host.replaceChildren(el("p", { class: "error" }, t("notFound")));
    return;
  }
  const facts = el(
    "dl",
    { "data-testid": "profile" },
    el("dt", {}, t("stage")),
    el("dd", { "data-field": "stage" }, m.profile.stage),
    el("dt", {}, t("purchases")),
    el("dd", { "data-field": "purchases", "data-value": String(m.profile.purchases) }, number(m.profile.purchases)),
    el("dt", {}, t("revenue")),
    el("dd", { "data-field": "revenue", "data-value": String(m.profile.revenue.amount) }, money(m.profile.revenue)),
    el("dt", {}, t("value")),
    el("dd", { "data-field": "value" }, m.profile.value.total.toFixed(1)),
    el("dt", {}, t("guide")),
    el("dd", { "data-field": "guide" }, m.guide?.name ?? "—"),
    el("dt", {}, t("tags")),
    el("dd", { "data-field": "tags" }, m.profile.tags.join(", ") || "—"),
  );
  const timeline = el("ol", { class: "timeline", "data-testid": "timeline" });
  for (const touch of m.timeline.nodes) {
    const amount = touch.amount.amount ? ` · ${money(touch.amount)}` : "";
    timeline.append(el("li", { "data-kind": touch.kind }, `${touch.occurredAt.slice(0, 16).replace("T", " ")} · ${touch.kind}${amount}`));
  }
  const upward = (data.ancestors ?? []).map((link) => called(link.member)).reverse();
  host.replaceChildren(
    el("h2", { "data-testid": "member-name" }, called(m)),
    facts,
    el("h3", {}, t("referralTree")),
    el("p", { class: "chain", "data-testid": "ancestors" }, [...upward, called(m)].join(" → ")),
    tree(m.id, data.descendants?.links ?? [], data.descendants?.total ?? 0),
    el("h3", {}, t("timeline")),
    timeline,
  );
}

// The descendants as nested <details>: each member opens onto those they brought.
function tree(rootId: string, links: Link[], total: number): HTMLElement {
  const children = new Map<string, Link[]>();
  for (const link of links) {
    const parent = link.member.referrer?.id ?? rootId;
    children.set(parent, [...(children.get(parent) ?? []), link]);
  }
  function branch(id: string): HTMLElement {
    const list = el("ul", {});
    for (const link of children.get(id) ?? []) {
      const below = children.get(link.member.id)?.length ?? 0;
      const summary = el("summary", { "data-member": link.member.id }, `${called(link.member)}${below ? ` (${below})` : ""}`);
      const node = el("details", { "data-depth": String(link.depth) }, summary, branch(link.member.id));
      list.append(el("li", {}, node));
    }
    return list;
  }
  return el("div", { class: "tree", "data-testid": "descendants", "data-total": String(total) }, branch(rootId));
}
