import { gql } from "./api";
import { el, type Refusal, select, showRefusals, whole } from "./dom";
import { locale, number, t, type Word } from "./i18n";

const PAGE = `{ segments(first: 50) { nodes { id name } }
  broadcasts(first: 20) { nodes { id name sendAt status holdoutPercent } } }`;
const CREATE = `mutation($input: BroadcastInput!, $key: String) {
  createBroadcast(input: $input, idempotencyKey: $key) { broadcast { id status } errors { code message field } }
}`;
const CANCEL = `mutation($id: ID!) { cancelBroadcast(broadcastId: $id) { broadcast { status } errors { code message } } }`;

interface Listed {
  id: string;
  name: string;
  sendAt: string;
  status: string;
  holdoutPercent: number;
}

// A moment as the person at this browser reads it (their zone), as the form took it.
function local(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

const FIELDS = ["name", "title", "body", "sendAt", "holdoutPercent", "conversionDays"] as const;

// Broadcasts (HQ): compose one to a saved segment, schedule it (or send now), hold out a share of
// the audience to measure lift; each refusal next to its field; cancel one not yet sent. The form
// carries an idempotency key, kept through a sign-in, so a retried request never sends twice.
export async function broadcasts(root: HTMLElement): Promise<void> {
  const data = await gql<{ segments: { nodes: { id: string; name: string }[] }; broadcasts: { nodes: Listed[] } }>(PAGE);
  const form = el("form", { class: "batch-form", "data-testid": "broadcast-form", novalidate: "" });
  const segment = select("segmentId", data.segments.nodes.map((s) => [s.id, s.name]), data.segments.nodes[0]?.id ?? "");
  const errors = new Map<string, HTMLElement>();
  const field = (name: string, input: HTMLElement) => {
    const error = el("span", { class: "error", "data-error-for": name, role: "alert" });
    errors.set(name, error);
    form.append(el("label", {}, t(`bc_${name}` as Word), input, error));
  };
  field("segmentId", segment);
  for (const name of FIELDS) {
    const input =
      name === "body"
        ? el("textarea", { name, "data-testid": `bc-${name}`, rows: "3" })
        : el("input", { name, "data-testid": `bc-${name}`, type: name === "sendAt" ? "datetime-local" : "text" });
    if (name === "holdoutPercent") (input as HTMLInputElement).value = "10";
    if (name === "conversionDays") (input as HTMLInputElement).value = "14";
    field(name, input);
  }
  const key = el("input", { type: "hidden", name: "idempotencyKey", value: crypto.randomUUID() });
  const general = el("p", { class: "error", role: "alert", "data-error-for": "" });
  form.append(key, general, el("button", { type: "submit", "data-testid": "create-broadcast" }, t("schedule")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const box of [...errors.values(), general]) box.textContent = "";
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    // A local date and time, sent with this browser's offset; empty: now.
    const when = value("sendAt") ? new Date(value("sendAt")).toISOString() : null;
    const input = {
      name: value("name"),
      segmentId: segment.value,
      title: value("title"),
      body: value("body"),
      sendAt: when,
      holdoutPercent: whole(value("holdoutPercent")),
      conversionDays: whole(value("conversionDays")),
    };
    const made = await gql<{ createBroadcast: { broadcast: { id: string } | null; errors: Refusal[] } }>(
      CREATE,
      { input, key: key.value },
    );
    showRefusals(made.createBroadcast.errors, errors, general);
    if (made.createBroadcast.broadcast) await broadcasts(root);
  });
  const list = el("table", { "data-testid": "broadcast-list" });
  for (const b of data.broadcasts.nodes) {
    const actions = el("td", { class: "actions" });
    if (b.status === "SCHEDULED") {
      const cancel = el("button", { type: "button", "data-action": "cancel" }, t("cancel"));
      cancel.addEventListener("click", async () => {
        await gql(CANCEL, { id: b.id });
        await broadcasts(root);
      });
      actions.append(cancel);
    }
    list.append(
      el(
        "tr",
        { "data-broadcast": b.name, "data-status": b.status },
        el("td", {}, b.name),
        el("td", { "data-send-at": b.sendAt }, local(b.sendAt)),
        el("td", {}, b.status.toLowerCase()),
        el("td", {}, `${number(b.holdoutPercent)}%`),
        actions,
      ),
    );
  }
  root.replaceChildren(el("section", { "data-page": "broadcasts" }, el("h2", {}, t("newBroadcast")), form, el("h2", {}, t("broadcastList")), list));
}
