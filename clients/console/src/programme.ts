import { gql } from "./api";
import { el, type Money, money } from "./dom";
import { number, t } from "./i18n";

const PROGRAMME = `query($f: DateTime!, $t: DateTime!) {
  campaigns(first: 50) { nodes { id name trigger startsAt endsAt stoppedAt points } }
  couponTemplates(first: 50) { nodes { id name kind issuedCount totalLimit value { amount currency digits } } }
  events(first: 50) { nodes { id title startsAt capacity placesLeft status } }
  eventAttribution(from: $f, to: $t, by: EVENT) { key signUps confirmed checkedIn noShows }
  broadcasts(first: 20) { nodes { id name sendAt status holdoutPercent
    report { audience heldOut recipients { members converted conversionRate } holdout { members converted conversionRate }
      conversionLift { difference low high } } } }
}`;

interface Programme {
  campaigns: { nodes: { id: string; name: string; trigger: string; startsAt: string; endsAt: string; stoppedAt: string | null; points: number }[] };
  couponTemplates: { nodes: { id: string; name: string; kind: string; issuedCount: number; totalLimit: number | null; value: Money }[] };
  events: { nodes: { id: string; title: string; startsAt: string; capacity: number; placesLeft: number; status: string }[] };
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

function table(testid: string, head: string[], rows: { key: string; cells: (string | [string, number])[] }[]): HTMLElement {
  const out = el("table", { "data-testid": testid }, el("tr", {}, ...head.map((h) => el("th", {}, h))));
  for (const row of rows) {
    const tr = el("tr", { "data-key": row.key });
    for (const cell of row.cells) {
      tr.append(typeof cell === "string" ? el("td", {}, cell) : el("td", { "data-value": String(cell[1]) }, cell[0]));
    }
    out.append(tr);
  }
  return out;
}

const day = (iso: string) => iso.slice(0, 10);
const share = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)}%`);

// What the brand runs: campaign rules, coupon templates, events with their sign-up and check-in
// figures (events of the last and next year), and broadcasts with their lift against the holdout.
export async function programme(root: HTMLElement): Promise<void> {
  const now = Date.now();
  const year = 365 * 86_400_000;
  const data = await gql<Programme>(PROGRAMME, {
    f: new Date(now - year).toISOString(),
    t: new Date(now + year).toISOString(),
  });
  const figures = new Map(data.eventAttribution.map((row) => [row.key, row]));
  root.replaceChildren(
    el(
      "section",
      { "data-page": "programme" },
      el("h2", {}, t("campaigns")),
      table(
        "campaigns",
        [t("name"), t("trigger"), t("period"), t("points"), t("status")],
        data.campaigns.nodes.map((c) => ({
          key: c.id,
          cells: [c.name, c.trigger.toLowerCase(), `${day(c.startsAt)} – ${day(c.endsAt)}`, [number(c.points), c.points], c.stoppedAt ? t("stopped") : ""],
        })),
      ),
      el("h2", {}, t("couponTemplates")),
      table(
        "coupon-templates",
        [t("name"), t("kind"), t("value"), t("issued")],
        data.couponTemplates.nodes.map((c) => ({
          key: c.id,
          cells: [c.name, c.kind.toLowerCase(), money(c.value), [`${number(c.issuedCount)}${c.totalLimit ? ` / ${number(c.totalLimit)}` : ""}`, c.issuedCount]],
        })),
      ),
      el("h2", {}, t("events")),
      table(
        "events",
        [t("name"), t("date"), t("signUps"), t("checkedIn"), t("noShows"), t("placesLeft")],
        data.events.nodes.map((e) => {
          const f = figures.get(e.id);
          return {
            key: e.id,
            cells: [e.title, day(e.startsAt), [number(f?.signUps ?? 0), f?.signUps ?? 0], [number(f?.checkedIn ?? 0), f?.checkedIn ?? 0], [number(f?.noShows ?? 0), f?.noShows ?? 0], [number(e.placesLeft), e.placesLeft]],
          };
        }),
      ),
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
    ),
  );
}
