import { gql } from "./api";
import { digits, el, type Money, money, type Refusal } from "./dom";
import { number, t, type Word } from "./i18n";
import { table } from "./tables";
import { campaignForm, eventForm, templateForm } from "./programme_forms";

// Events and their figures: a store manager's are their store's and HQ's (the API scopes them).
const EVENTS = `events(first: 50) { nodes { id storeId title startsAt capacity placesLeft status } }
  eventAttribution(from: $f, to: $t, by: EVENT) { key signUps confirmed checkedIn noShows }`;
// HQ's alone.
const HQ = `campaigns(first: 50) { nodes { id name trigger startsAt endsAt stoppedAt points } }
  couponTemplates(first: 50) { nodes { id name kind issuedCount totalLimit value { amount currency digits } } }
  broadcasts(first: 20) { nodes { id name sendAt status holdoutPercent
    report { audience heldOut recipients { members converted conversionRate } holdout { members converted conversionRate }
      conversionLift { difference low high } } } }`;
const programmeQuery = (hq: boolean) =>
  `query($f: DateTime!, $t: DateTime!) { me { brand { currency } store { id } } ${EVENTS} ${hq ? HQ : ""} }`;

const STOP = `mutation($id: ID!) { stopCampaign(id: $id) { errors { code message } } }`;
const PUBLISH = `mutation($id: ID!) { publishEvent(id: $id) { errors { code message } } }`;
const CANCEL = `mutation($id: ID!) { cancelEvent(id: $id) { errors { code message } } }`;

interface Programme {
  me: { brand: { currency: string }; store: { id: string } | null };
  campaigns: { nodes: { id: string; name: string; trigger: string; startsAt: string; endsAt: string; stoppedAt: string | null; points: number }[] };
  couponTemplates: { nodes: { id: string; name: string; kind: string; issuedCount: number; totalLimit: number | null; value: Money }[] };
  events: { nodes: { id: string; storeId: string | null; title: string; startsAt: string; capacity: number; placesLeft: number; status: string }[] };
  eventAttribution: { key: string | null; signUps: number; confirmed: number; checkedIn: number; noShows: number }[];
  broadcasts: {
    nodes: {
      id: string;
      name: string;
      sendAt: string;
      status: string;
      holdoutPercent: number;
      report: {
        audience: number;
        recipients: { members: number; converted: number; conversionRate: number | null };
        holdout: { members: number; converted: number; conversionRate: number | null };
        conversionLift: { difference: number; low: number; high: number } | null;
      };
    }[];
  };
}

// A row's button: sends its mutation, says a refusal on the row, or draws the page again.
function action(name: Word, mutation: string, id: string, again: () => Promise<void>): HTMLElement {
  const button = el("button", { type: "button", "data-action": name }, t(name));
  button.addEventListener("click", async () => {
    const answer = await gql<Record<string, { errors: Refusal[] }>>(mutation, { id });
    const [refusal] = Object.values(answer)[0].errors;
    if (!refusal) return again();
    const problem = el("span", { class: "error", role: "alert", "data-row-error": "", "data-code": refusal.code }, refusal.message);
    button.replaceWith(problem);
  });
  return button;
}

// The day in the browser's zone (as the forms take times), written 2027-01-10.
const day = (iso: string) => new Date(iso).toLocaleDateString("sv-SE");
const share = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)}%`);

type Again = () => Promise<void>;
const now = () => Date.now();
const ended = (iso: string) => Date.parse(iso) <= now();

function campaignsPart(data: Programme, again: Again): HTMLElement[] {
  return [
    el("h2", {}, t("campaigns")),
    el("h3", {}, t("newCampaign")),
    campaignForm(data.couponTemplates.nodes, again),
    table(
      "campaigns",
      [t("name"), t("trigger"), t("period"), t("points"), t("status")],
      data.campaigns.nodes.map((c) => ({
        key: c.id,
        cells: [c.name, t(`enum_${c.trigger}` as Word), `${day(c.startsAt)} – ${day(c.endsAt)}`, [number(c.points), c.points], c.stoppedAt ? t("stopped") : ""],
        actions: c.stoppedAt || ended(c.endsAt) ? [] : [action("stop", STOP, c.id, again)],
      })),
    ),
  ];
}

function templatesPart(data: Programme, again: Again): HTMLElement[] {
  return [
    el("h2", {}, t("couponTemplates")),
    el("h3", {}, t("newTemplate")),
    templateForm(digits(data.me.brand.currency), again),
    table(
      "coupon-templates",
      [t("name"), t("kind"), t("value"), t("issued")],
      data.couponTemplates.nodes.map((c) => ({
        key: c.id,
        cells: [c.name, t(`enum_${c.kind}` as Word), money(c.value), [`${number(c.issuedCount)}${c.totalLimit ? ` / ${number(c.totalLimit)}` : ""}`, c.issuedCount]],
      })),
    ),
  ];
}

// A store manager changes their store's events only; HQ's are shown to them, not offered to change.
function eventsPart(data: Programme, again: Again, hq: boolean): HTMLElement[] {
  const figures = new Map(data.eventAttribution.map((row) => [row.key, row]));
  const mine = (storeId: string | null) => hq || (storeId !== null && storeId === data.me.store?.id);
  return [
    el("h2", {}, t("events")),
    el("h3", {}, t("newEvent")),
    eventForm(again),
    table(
      "events",
      [t("name"), t("date"), t("signUps"), t("checkedIn"), t("noShows"), t("placesLeft"), t("status")],
      data.events.nodes.map((e) => {
        const f = figures.get(e.id);
        return {
          key: e.id,
          cells: [
            e.title,
            day(e.startsAt),
            [number(f?.signUps ?? 0), f?.signUps ?? 0],
            [number(f?.checkedIn ?? 0), f?.checkedIn ?? 0],
            [number(f?.noShows ?? 0), f?.noShows ?? 0],
            [number(e.placesLeft), e.placesLeft],
            t(`enum_${e.status}` as Word),
          ],
          actions: !mine(e.storeId)
            ? []
            : [
                ...(e.status === "DRAFT" ? [action("publish", PUBLISH, e.id, again)] : []),
                ...(e.status !== "CANCELLED" && !ended(e.startsAt) ? [action("cancelEvent", CANCEL, e.id, again)] : []),
              ],
        };
      }),
    ),
  ];
}

function broadcastsPart(data: Programme): HTMLElement[] {
  return [
    el("h2", {}, t("broadcastLift")),
    table(
      "broadcasts",
      [t("name"), t("date"), t("status"), t("recipients"), t("holdout"), t("lift")],
      data.broadcasts.nodes.map((b) => {
        const lift = b.report.conversionLift;
        return {
          key: b.id,
          cells: [
            b.name,
            day(b.sendAt),
            b.status.toLowerCase(),
            `${share(b.report.recipients.conversionRate)} (${number(b.report.recipients.converted)}/${number(b.report.recipients.members)})`,
            `${share(b.report.holdout.conversionRate)} (${number(b.report.holdout.converted)}/${number(b.report.holdout.members)})`,
            lift ? `${(lift.difference * 100).toFixed(1)} pt [${(lift.low * 100).toFixed(1)}, ${(lift.high * 100).toFixed(1)}]` : "—",
          ],
        };
      }),
    ),
  ];
}

// What the brand runs: campaign rules, coupon templates, events with their sign-up and check-in
// figures (events of the last and next year), and broadcasts with their lift against the holdout.
// A store manager sees and runs their store's events only.
export async function programme(root: HTMLElement, _params: URLSearchParams, roles: string[]): Promise<void> {
  const hq = roles.includes("HQ");
  const year = 365 * 86_400_000;
  const data = await gql<Programme>(programmeQuery(hq), {
    f: new Date(now() - year).toISOString(),
    t: new Date(now() + year).toISOString(),
  });
  const again = () => programme(root, _params, roles);
  const parts = hq
    ? [...campaignsPart(data, again), ...templatesPart(data, again), ...eventsPart(data, again, hq), ...broadcastsPart(data)]
    : eventsPart(data, again, hq);
  root.replaceChildren(el("section", { "data-page": "programme" }, ...parts));
}
