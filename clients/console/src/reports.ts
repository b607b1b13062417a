import { gql } from "./api";
import { bars, heat, prepareCharts } from "./chart";
import { el, go, period, select } from "./dom";
import { number, t, type Word } from "./i18n";

const FIGURES = `query($c: Date!) {
  funnel { stage members }
  cohorts(from: $c, months: 12) { month members cells { since buyers rate } }
}`;
const LEADERS = `query($f: DateTime!, $t: DateTime!, $m: Metric!) {
  leaderboard(from: $f, to: $t, metric: $m, first: 10) { key guide { name inviteCode } purchases newMembers couponsWrittenOff }
}`;
const METRICS = ["PURCHASES", "NEW_MEMBERS", "COUPONS_WRITTEN_OFF"] as const;

interface Cohort {
  month: string;
  members: number;
  cells: { since: number; buyers: number; rate: number }[];
}
interface Leader {
  key: string | null;
  guide: { name: string | null; inviteCode: string } | null;
  purchases: number;
  newMembers: number;
  couponsWrittenOff: number;
}

// The figures as pictures: the journey funnel, the cohorts as a heat map (share of each month's
// members buying N months on) and, for HQ, the guides' leaderboard.
export async function reports(root: HTMLElement, params: URLSearchParams, roles: string[]): Promise<void> {
  prepareCharts();
  const first = new Date();
  first.setUTCDate(1);
  first.setUTCMonth(first.getUTCMonth() - 11);
  const metric = (METRICS as readonly string[]).includes(params.get("metric") ?? "") ? (params.get("metric") as string) : "PURCHASES";
  const span = period(30);
  // Side by side: the funnel counts every member, the leaderboard a month of touches.
  const [data, leaders] = await Promise.all([
    gql<{ funnel: { stage: string; members: number }[]; cohorts: Cohort[] }>(FIGURES, {
      c: first.toISOString().slice(0, 10),
    }),
    roles.includes("HQ") ? gql<{ leaderboard: Leader[] }>(LEADERS, { f: span.from, t: span.to, m: metric }) : null,
  ]);
  const funnel = el("div", { class: "chart short", "data-testid": "funnel-chart" });
  const funnelTable = el("table", { "data-testid": "funnel" });
  for (const step of data.funnel) {
    funnelTable.append(
      el("tr", { "data-stage": step.stage }, el("td", {}, step.stage), el("td", { "data-value": String(step.members) }, number(step.members))),
    );
  }
  const cohorts = el("div", { class: "chart", "data-testid": "cohort-heatmap" });
  const sections: (HTMLElement | string)[] = [
    el("h2", {}, t("funnel")),
    funnel,
    funnelTable,
    el("h2", {}, t("cohorts")),
    cohorts,
  ];
  if (leaders) {
    const picker = select("metric", METRICS.map((m) => [m, t(m as Word)]), metric);
    picker.addEventListener("change", () => go("reports", { metric: picker.value }));
    const table = el("table", { "data-testid": "leaderboard", "data-from": span.from, "data-to": span.to });
    leaders.leaderboard.forEach((row, n) => {
      const shown = metric === "NEW_MEMBERS" ? row.newMembers : metric === "COUPONS_WRITTEN_OFF" ? row.couponsWrittenOff : row.purchases;
      table.append(
        el("tr", { "data-key": row.key ?? "" }, el("td", {}, String(n + 1)), el("td", {}, row.guide?.name ?? row.guide?.inviteCode ?? t("none")), el("td", { "data-value": String(shown) }, number(shown))),
      );
    });
    sections.push(el("h2", {}, t("leaderboard")), el("div", { class: "toolbar" }, el("label", {}, t("days30"), picker)), table);
  }
  root.replaceChildren(el("section", { "data-page": "reports" }, ...sections));
  await bars(funnel, data.funnel.map((s) => s.stage), data.funnel.map((s) => s.members));
  const months = data.cohorts.map((c) => c.month.slice(0, 7));
  const cells = data.cohorts.flatMap((c, row) => c.cells.map((cell) => [cell.since, row, Math.round(cell.rate * 1000) / 10] as [number, number, number]));
  await heat(cohorts, months, cells);
}
