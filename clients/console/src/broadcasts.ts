import { gql } from "./api";
import { el, type Refusal } from "./dom";
import { form } from "./form";
import { locale, number, t } from "./i18n";

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

// Broadcasts (HQ): compose one to a saved segment, schedule it (or send now), hold out a share of
// the audience to measure lift; each refusal next to its field; cancel one not yet sent. The form
// carries an idempotency key, kept through a sign-in, so a retried request never sends twice.
export async function broadcasts(root: HTMLElement): Promise<void> {
  const data = await gql<{ segments: { nodes: { id: string; name: string }[] }; broadcasts: { nodes: Listed[] } }>(PAGE);
  const key = el("input", { type: "hidden", name: "idempotencyKey", value: crypto.randomUUID() });
  const creating = form({
    prefix: "bc",
    fields: [
      { name: "segmentId", kind: "choice", options: data.segments.nodes.map((s) => [s.id, s.name]) },
      { name: "name" },
      { name: "title" },
      { name: "body", kind: "area" },
      { name: "sendAt", kind: "datetime" },
      { name: "holdoutPercent", kind: "number", value: "10" },
      { name: "conversionDays", kind: "number", value: "14" },
    ],
    button: "schedule",
    send: async (v) => {
      const input = {
        name: v.text("name"),
        segmentId: v.text("segmentId"),
        title: v.text("title"),
        body: v.text("body"),
        sendAt: v.moment("sendAt"),
        holdoutPercent: v.whole("holdoutPercent"),
        conversionDays: v.whole("conversionDays"),
      };
      const made = await gql<{ createBroadcast: { errors: Refusal[] } }>(CREATE, { input, key: key.value });
      return made.createBroadcast.errors;
    },
    done: () => broadcasts(root),
  });
  creating.append(key);
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
  root.replaceChildren(el("section", { "data-page": "broadcasts" }, el("h2", {}, t("newBroadcast")), creating, el("h2", {}, t("broadcastList")), list));
}
