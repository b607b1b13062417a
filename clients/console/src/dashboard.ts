import { gql } from "./api";
import { lines, prepareCharts } from "./chart";
import { el, go, type Money, money, period, periodPicker } from "./dom";
import { number, t } from "./i18n";

const SERIES = `query($f: DateTime!, $t: DateTime!, $pf: DateTime!, $pt: DateTime!) {
  current: attributionSeries(from: $f, to: $t, grain: DAY) {
    start asOf figures { newMembers purchases couponsWrittenOff eventsAttended revenue { amount currency digits } }
  }
  previous: attributionSeries(from: $pf, to: $pt, grain: DAY) {
    figures { newMembers purchases couponsWrittenOff eventsAttended revenue { amount currency digits } }
  }
}`;

interface Figures {
  newMembers: number;
  purchases: number;
  couponsWrittenOff: number;
  eventsAttended: number;
  revenue: Money;
}
interface Point {
  start: string;
  asOf: string;
  figures: Figures;
}
interface Series {
  current: Point[];
  previous: { figures: Figures }[];
}

const COUNTS = ["newMembers", "purchases", "couponsWrittenOff", "eventsAttended"] as const;

function total(points: { figures: Figures }[], key: (typeof COUNTS)[number] | "revenue"): number {
  return points.reduce((sum, p) => sum + (key === "revenue" ? p.figures.revenue.amount : p.figures[key]), 0);
}

function trend(now: number, before: number): string {
  if (before === 0) return now === 0 ? "±0%" : "+∞";
  const change = Math.round(((now - before) / before) * 100);
  return `${change >= 0 ? "+" : ""}${change}%`;
}

// Key figures of the period with their change against the period before, and the daily chart.
export async function dashboard(root: HTMLElement, params: URLSearchParams): Promise<void> {
  prepareCharts();
  const days = Number(params.get("days") ?? "30");
  const now = period(days);
  const before = period(days, 1);
  const data = await gql<Series>(SERIES, { f: now.from, t: now.to, pf: before.from, pt: before.to });
  const currency = data.current[0]?.figures.revenue ?? { amount: 0, currency: "CNY", digits: 2 };
  const picker = periodPicker(String(days), (picked) => go("dashboard", { days: picked }));
  const cards = el("div", { class: "cards" });
  for (const key of [...COUNTS, "revenue"] as const) {
    const value = total(data.current, key);
    const shown = key === "revenue" ? money({ ...currency, amount: value }) : number(value);
    cards.append(
      el(
        "div",
        { class: "card", "data-figure": key, "data-value": String(value) },
        el("span", { class: "label" }, t(key)),
        el("strong", {}, shown),
        el("small", {}, `${trend(value, total(data.previous, key))} ${t("vsPrevious")}`),
      ),
    );
  }
  const chart = el("div", { class: "chart", "data-testid": "daily-chart" });
  root.replaceChildren(
    el(
      "section",
      { "data-page": "dashboard", "data-from": now.from, "data-to": now.to },
      el("div", { class: "toolbar" }, el("label", {}, t("period"), picker)),
      cards,
      el("h2", {}, t("perDay")),
      chart,
      el("p", { class: "as-of", "data-testid": "as-of" }, `${t("asOf")} ${data.current[0]?.asOf ?? ""}`),
    ),
  );
  await lines(
    chart,
    data.current.map((p) => p.start.slice(0, 10)),
    [
      { name: t("purchases"), values: data.current.map((p) => p.figures.purchases) },
      { name: t("newMembers"), values: data.current.map((p) => p.figures.newMembers) },
    ],
  );
}
