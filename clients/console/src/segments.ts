import { ApiError, gql } from "./api";
import { el, select } from "./dom";
import { number, t } from "./i18n";

const PREVIEW = `query($c: SegmentCondition!) { segmentPreview(condition: $c, sampleSize: 5) { count sample { inviteCode displayName } } }`;
const SAVE = `mutation($n: String!, $c: SegmentCondition!) {
  saveSegment(name: $n, condition: $c) { segment { id name } count errors { code message field } }
}`;
const LIST = `{ segments(first: 20) { nodes { id name updatedAt } } }`;

const STAGES = ["", "AWARE", "REGISTERED", "PURCHASED", "REPEAT", "ADVOCATE"];
const CHANNELS = ["", "GUIDE_QR", "MEMBER_INVITE", "PRODUCT_SCAN", "EVENT", "ORGANIC"];
const GENDERS = ["", "FEMALE", "MALE"];

// The conditions the builder offers, all of which must hold (allOf); an empty one is left out, and
// none at all is no segment (null).
function condition(form: HTMLFormElement): Record<string, unknown> | null {
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? "";
  const parts: Record<string, unknown>[] = [];
  if (value("stage")) parts.push({ stage: value("stage") });
  if (value("channel")) parts.push({ channel: value("channel") });
  if (value("gender")) parts.push({ gender: value("gender") });
  if (value("city")) parts.push({ city: value("city") });
  // Numbers as typed: the API refuses what is not a whole number, and says so.
  const whole = (text: string) => (/^-?\d+$/.test(text) ? Number(text) : text);
  if (value("noPurchaseForDays")) parts.push({ noPurchaseForDays: whole(value("noPurchaseForDays")) });
  if (value("pointsAtLeast")) parts.push({ pointsAtLeast: whole(value("pointsAtLeast")) });
  return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { allOf: parts };
}

// Segments: conditions picked, the members they select counted live (segmentPreview) as the
// conditions change, then saved under a name; the brand's segments listed.
export async function segments(root: HTMLElement): Promise<void> {
  const saved = await gql<{ segments: { nodes: { id: string; name: string; updatedAt: string }[] } }>(LIST);
  const form = el("form", { class: "batch-form", "data-testid": "segment-form", novalidate: "" });
  const pick = (name: string, values: string[]) =>
    select(name, values.map((v) => [v, v ? v.toLowerCase() : t("any")]), "");
  form.append(
    el("label", {}, t("stage"), pick("stage", STAGES)),
    el("label", {}, t("CHANNEL"), pick("channel", CHANNELS)),
    el("label", {}, t("gender"), pick("gender", GENDERS)),
    el("label", {}, t("city"), el("input", { name: "city", "data-testid": "city" })),
    el("label", {}, t("noPurchaseForDays"), el("input", { name: "noPurchaseForDays", "data-testid": "noPurchaseForDays", inputmode: "numeric" })),
    el("label", {}, t("pointsAtLeast"), el("input", { name: "pointsAtLeast", "data-testid": "pointsAtLeast", inputmode: "numeric" })),
  );
  const count = el("strong", { "data-testid": "live-count" }, "…");
  const sample = el("small", { "data-testid": "sample" });
  const problem = el("p", { class: "error", role: "alert", "data-testid": "segment-error" });
  const name = el("input", { name: "segmentName", "data-testid": "segment-name" });
  const save = el("button", { type: "submit", "data-testid": "save-segment" }, t("saveSegment"));
  form.append(el("p", { class: "live" }, t("selects"), " ", count, " ", sample), el("label", {}, t("segmentName"), name), problem, save);
  let asked = 0;
  async function preview(): Promise<void> {
    const mine = ++asked; // only the latest answer is shown
    const wanted = condition(form);
    if (!wanted) {
      count.textContent = "—";
      delete count.dataset.value;
      sample.textContent = t("pickCondition");
      return;
    }
    count.dataset.pending = "1";
    try {
      const data = await gql<{ segmentPreview: { count: number; sample: { inviteCode: string; displayName: string | null }[] } }>(
        PREVIEW,
        { c: wanted },
      );
      if (mine !== asked) return;
      problem.textContent = "";
      count.textContent = number(data.segmentPreview.count);
      count.dataset.value = String(data.segmentPreview.count);
      sample.textContent = data.segmentPreview.sample.map((m) => m.displayName ?? m.inviteCode).join(", ");
    } catch (error) {
      if (mine !== asked) return;
      problem.textContent = error instanceof Error ? error.message : String(error);
      count.textContent = "—";
      delete count.dataset.value;
    } finally {
      if (mine === asked) delete count.dataset.pending;
    }
  }
  let timer = 0;
  // The name selects no one: typing it asks for no count.
  form.addEventListener("input", (event) => {
    if (event.target === name) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void preview(), 250);
  });
  form.addEventListener("change", (event) => event.target !== name && void preview());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.textContent = "";
    delete problem.dataset.code;
    const wanted = condition(form);
    if (!wanted) {
      problem.textContent = t("pickCondition");
      return;
    }
    let refused: { code: string; message: string } | undefined;
    try {
      const data = await gql<{ saveSegment: { errors: { code: string; message: string }[] } }>(SAVE, {
        n: name.value.trim(),
        c: wanted,
      });
      refused = data.saveSegment.errors[0];
    } catch (error) {
      // A number that is not one is refused by the API's validation, for the whole request.
      if (!(error instanceof ApiError)) throw error;
      refused = error;
    }
    if (refused) {
      problem.textContent = refused.message;
      problem.dataset.code = refused.code;
      return;
    }
    await segments(root);
  });
  const list = el("ul", { class: "members", "data-testid": "segments" });
  for (const s of saved.segments.nodes) list.append(el("li", { "data-segment": s.name }, s.name));
  root.replaceChildren(el("section", { "data-page": "segments" }, el("h2", {}, t("newSegment")), form, el("h2", {}, t("segments")), list));
  await preview();
}
