// Fraud signals (HQ), each with its evidence: batches whose codes turn up where they were not sent or
// are scanned again after their claim, members claiming faster than a person buys, members inviting
// each other from one device or phone, guides writing off their own members' coupons far more than
// the brand's guides do. None blocks anyone: HQ looks, then acts.
import { gql } from "./api";
import { el, period, periodPicker, go } from "./dom";
import { number, t, type Word } from "./i18n";
import { table } from "./tables";

const SIGNALS = `query($f: DateTime!, $t: DateTime!) {
  flaggedBatches(first: 20) { batch { id sku productName } claims divertedClaims suspiciousScans }
  fastClaimers(from: $f, to: $t, first: 20) {
    member { id displayName name inviteCode } claims burst burstStartedAt burstEndedAt shortestGapSeconds cities }
  referralRings(first: 20) { sharedBy fingerprint invitations members { id displayName name inviteCode } }
  guideWriteOffOutliers(from: $f, to: $t) { guide { id name inviteCode } writeOffs ofOwnMembers brandMedian }
}`;

const SCANS = `query($b: ID!) { suspiciousScans(batchId: $b, first: 50) {
  nodes { id serial memberId scannedAt city byClaimer } } }`;

interface Scan {
  id: string;
  serial: number;
  memberId: string | null;
  scannedAt: string;
  city: string | null;
  byClaimer: boolean;
}

interface Person {
  id: string;
  displayName?: string | null;
  name: string | null;
  inviteCode: string;
}
interface Signals {
  flaggedBatches: { batch: { id: string; sku: string; productName: string }; claims: number; divertedClaims: number; suspiciousScans: number }[];
  fastClaimers: {
    member: Person | null;
    claims: number;
    burst: number;
    burstStartedAt: string;
    burstEndedAt: string;
    shortestGapSeconds: number;
    cities: number;
  }[];
  referralRings: { sharedBy: string; fingerprint: string; invitations: number; members: Person[] }[];
  guideWriteOffOutliers: { guide: Person | null; writeOffs: number; ofOwnMembers: number; brandMedian: number }[];
}

// A member, linked to their profile (timeline, referral tree): the evidence behind the signal.
function member(m: Person | null): Node | string {
  if (!m) return "—";
  return el("a", { href: `#/members?id=${encodeURIComponent(m.id)}`, "data-member": m.id }, m.displayName ?? m.name ?? m.inviteCode);
}

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });

function section(title: Word, body: HTMLElement, empty: boolean): HTMLElement[] {
  return [el("h2", {}, t(title)), empty ? el("p", { class: "quiet", "data-empty": title }, t("noSignals")) : body];
}

// The last week or month: signals are acted on while fresh, and finding bursts reads every claim of
// the period (90 days of a 100,000-member brand, 240,000 claims: 0.5 s, over 1 s in a new tab;
// bench/console). The API takes any period.
const CHOICES = [7, 30];

export async function signals(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const asked = Number(params.get("days"));
  const days = String(CHOICES.includes(asked) ? asked : 30);
  const span = period(Number(days));
  const data = await gql<Signals>(SIGNALS, { f: span.from, t: span.to });
  const evidence = el("div", { "data-testid": "batch-evidence" });
  root.replaceChildren(
    el(
      "section",
      { "data-page": "signals", "data-from": span.from, "data-to": span.to },
      el("div", { class: "toolbar" }, el("label", {}, t("period"), periodPicker(days, (d) => go("signals", { days: d }), CHOICES))),
      ...section(
        "fastClaimers",
        table(
          "fast-claimers",
          [t("member"), t("claims"), t("burst"), t("burstWindow"), t("shortestGap"), t("cities")],
          data.fastClaimers.map((f) => ({
            key: f.member?.id ?? "",
            cells: [
              member(f.member),
              [number(f.claims), f.claims],
              [number(f.burst), f.burst],
              `${time(f.burstStartedAt)} – ${time(f.burstEndedAt)}`,
              [`${number(f.shortestGapSeconds)} s`, f.shortestGapSeconds],
              [number(f.cities), f.cities],
            ],
          })),
        ),
        data.fastClaimers.length === 0,
      ),
      ...section(
        "referralRings",
        table(
          "referral-rings",
          [t("sharedBy"), t("invitations"), t("members")],
          data.referralRings.map((r) => ({
            key: r.fingerprint,
            cells: [t(`enum_${r.sharedBy}` as Word), [number(r.invitations), r.invitations], el("span", { class: "people" }, ...r.members.map(member))],
          })),
        ),
        data.referralRings.length === 0,
      ),
      ...section(
        "writeOffOutliers",
        table(
          "write-off-outliers",
          [t("guide"), t("writeOffs"), t("ofOwnMembers"), t("brandMedian")],
          data.guideWriteOffOutliers.map((w) => ({
            key: w.guide?.id ?? "",
            cells: [
              w.guide?.name ?? w.guide?.inviteCode ?? "—",
              [number(w.writeOffs), w.writeOffs],
              [number(w.ofOwnMembers), w.ofOwnMembers],
              [number(w.brandMedian), w.brandMedian],
            ],
          })),
        ),
        data.guideWriteOffOutliers.length === 0,
      ),
      ...section(
        "flaggedBatches",
        table(
          "flagged-batches",
          ["SKU", t("batch_productName"), t("claims"), t("divertedClaims"), t("suspiciousScans")],
          data.flaggedBatches.map((b) => ({
            key: b.batch.id,
            cells: [b.batch.sku, b.batch.productName, [number(b.claims), b.claims], [number(b.divertedClaims), b.divertedClaims], [number(b.suspiciousScans), b.suspiciousScans]],
            actions: [scansButton(b.batch.id, evidence)],
          })),
        ),
        data.flaggedBatches.length === 0,
      ),
      evidence,
    ),
  );
}

// A batch's evidence: each scan of one of its codes after the code was claimed (by whom, when,
// where, and whether the claimer scanned it again elsewhere).
function scansButton(batchId: string, into: HTMLElement): HTMLElement {
  const button = el("button", { type: "button", "data-action": "scans" }, t("showScans"));
  button.addEventListener("click", async () => {
    const data = await gql<{ suspiciousScans: { nodes: Scan[] } }>(SCANS, { b: batchId });
    into.replaceChildren(
      el("h3", {}, t("suspiciousScans")),
      table(
        "suspicious-scans",
        [t("serial"), t("member"), t("scannedAt"), t("city"), t("byClaimer")],
        data.suspiciousScans.nodes.map((s) => ({
          key: s.id,
          cells: [
            [String(s.serial), s.serial],
            // The scan names the member by id only: the link opens their profile.
            s.memberId ? member({ id: s.memberId, name: t("profile"), inviteCode: "" }) : "—",
            time(s.scannedAt),
            s.city ?? "—",
            s.byClaimer ? t("yes") : t("no"),
          ],
        })),
      ),
    );
    into.dataset.batch = batchId;
  });
  return button;
}
