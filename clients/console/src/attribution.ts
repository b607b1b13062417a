import { download, gql } from "./api";
import { el, go, type Money, money, period, periodPicker, select } from "./dom";
import { number, t, type Word } from "./i18n";

const ATTRIBUTION = `query($f: DateTime!, $t: DateTime!, $by: Dimension!) {
  attribution(from: $f, to: $t, by: $by, first: 100) {
    key guide { name } store { name } campaign { name }
    newMembers purchases couponsWrittenOff eventsAttended revenue { amount currency digits }
  }
}`;

interface Row {
  key: string | null;
  guide: { name: string } | null;
  store: { name: string } | null;
  campaign: { name: string } | null;
  newMembers: number;
  purchases: number;
  couponsWrittenOff: number;
  eventsAttended: number;
  revenue: Money;
}

const DIMENSIONS = ["STORE", "GUIDE", "CHANNEL", "CAMPAIGN", "REGISTRATION_TAG", "PRODUCT", "PRODUCT_LINE"];
const COLUMNS = ["newMembers", "purchases", "revenue", "couponsWrittenOff", "eventsAttended"] as const;
type Column = (typeof COLUMNS)[number];

function value(row: Row, column: Column): number {
  return column === "revenue" ? row.revenue.amount : row[column];
}

// Figures per guide, store, channel... for a period, sortable by any column, and as a CSV file.
export async function attribution(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const days = params.get("days") ?? "30";
  const by = DIMENSIONS.includes(params.get("by") ?? "") ? (params.get("by") as string) : "STORE";
  const sort = (COLUMNS as readonly string[]).includes(params.get("sort") ?? "") ? (params.get("sort") as Column) : "purchases";
  const span = period(Number(days));
  const data = await gql<{ attribution: Row[] }>(ATTRIBUTION, { f: span.from, t: span.to, by });
  const rows = [...data.attribution].sort((a, b) => value(b, sort) - value(a, sort));
  const state = { days, by, sort };
  const dimension = select("by", DIMENSIONS.map((d) => [d, t(d as Word)]), by);
  dimension.addEventListener("change", () => go("attribution", { ...state, by: dimension.value }));
  const days_ = periodPicker(days, (picked) => go("attribution", { ...state, days: picked }));
  const header = el("tr", {}, el("th", {}, t("name")));
  for (const column of COLUMNS) {
    const th = el("th", { "data-sort": column, class: column === sort ? "sorted" : "" }, t(column));
    th.addEventListener("click", () => go("attribution", { ...state, sort: column }));
    header.append(th);
  }
  const body = el("tbody");
  for (const row of rows) {
    const name = row.guide?.name ?? row.store?.name ?? row.campaign?.name ?? row.key ?? t("none");
    const tr = el("tr", { "data-key": row.key ?? "" }, el("td", {}, name));
    for (const column of COLUMNS) {
      const shown = column === "revenue" ? money(row.revenue) : number(row[column]);
      tr.append(el("td", { "data-column": column, "data-value": String(value(row, column)) }, shown));
    }
    body.append(tr);
  }
  const csv = el("button", { type: "button", "data-testid": "download-csv" }, t("downloadCsv"));
  csv.addEventListener("click", async () => {
    csv.dataset.saved = await download("/exports/reports/attribution.csv", { from: span.from, to: span.to, by });
  });
  root.replaceChildren(
    el(
      "section",
      { "data-page": "attribution", "data-from": span.from, "data-to": span.to, "data-by": by },
      el("div", { class: "toolbar" }, el("label", {}, t("dimension"), dimension), el("label", {}, t("period"), days_), csv),
      el("table", { "data-testid": "attribution-table" }, el("thead", {}, header), body),
    ),
  );
}
