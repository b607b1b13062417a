import { ApiError, download, gql } from "./api";
import { el, type Money, money, type Refusal, showRefusals, whole } from "./dom";
import { number, t, type Word } from "./i18n";

const LIST = `{ me { brand { currency } }
  codeBatches(first: 20) { nodes { id sku productName productLine quantity price { amount currency digits }
    pointsPerItem createdAt revokedAt exportPath labelsPath } } }`;
const CREATE = `mutation($input: CodeBatchInput!) {
  createCodeBatch(input: $input) { batch { id } errors { code message field } }
}`;
const REVOKE = `mutation($id: ID!) { revokeCodeBatch(id: $id) { batch { revokedAt } errors { code message } } }`;

interface Batch {
  id: string;
  sku: string;
  productName: string;
  productLine: string | null;
  quantity: number;
  price: Money;
  pointsPerItem: number;
  createdAt: string;
  revokedAt: string | null;
  exportPath: string;
  labelsPath: string;
}

// The fields of a new batch, by the names the API gives its errors (price is typed in the major
// unit and sent in the minor one).
const FIELDS = ["sku", "productName", "productLine", "quantity", "price", "pointsPerItem"] as const;

function digits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

// Code batches: create one (each refusal shown next to its field), download its printer CSV and
// labels, revoke it.
export async function batches(root: HTMLElement, _params: URLSearchParams, roles: string[]): Promise<void> {
  const data = await gql<{ me: { brand: { currency: string } }; codeBatches: { nodes: Batch[] } }>(LIST);
  const places = digits(data.me.brand.currency);
  const inputs = new Map<string, HTMLInputElement>();
  const errors = new Map<string, HTMLElement>();
  const form = el("form", { class: "batch-form", "data-testid": "batch-form", novalidate: "" });
  for (const name of FIELDS) {
    const input = el("input", { name, "data-testid": `batch-${name}` });
    if (name === "quantity" || name === "pointsPerItem" || name === "price") input.inputMode = "decimal";
    const error = el("span", { class: "error", "data-error-for": name, role: "alert" });
    inputs.set(name, input);
    errors.set(name, error);
    form.append(el("label", {}, t(`batch_${name}` as Word), input, error));
  }
  const general = el("p", { class: "error", "data-error-for": "", role: "alert" });
  form.append(general, el("button", { type: "submit", "data-testid": "create-batch" }, t("createBatch")));
  const value = (name: string) => inputs.get(name)?.value.trim() ?? "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const box of [...errors.values(), general]) box.textContent = "";
    const price = /^\d+(\.\d+)?$/.test(value("price")) ? Math.round(Number(value("price")) * 10 ** places) : -1;
    const input = {
      sku: value("sku"),
      productName: value("productName"),
      productLine: value("productLine") || null,
      quantity: whole(value("quantity")),
      priceCents: price,
      pointsPerItem: whole(value("pointsPerItem")),
    };
    const made = await gql<{ createCodeBatch: { batch: { id: string } | null; errors: Refusal[] } }>(CREATE, { input });
    // The price is typed in the major unit, into the box named "price".
    const renamed = made.createCodeBatch.errors.map((r) => (r.field === "priceCents" ? { ...r, field: "price" } : r));
    showRefusals(renamed, errors, general);
    if (made.createCodeBatch.batch) await batches(root, _params, roles);
  });
  const table = el("table", { "data-testid": "batches" });
  table.append(
    el("tr", {}, ...["SKU", t("batch_productName"), t("batch_quantity"), t("batch_price"), t("batch_pointsPerItem"), ""].map((h) => el("th", {}, h))),
  );
  for (const batch of data.codeBatches.nodes) {
    const actions = el("td", { class: "actions" });
    const problem = el("span", { class: "error", "data-row-error": "", role: "alert" });
    // A refused download (the brand has not set the URL its cans print, say): said on the row.
    async function save(button: HTMLElement, path: string, params: Record<string, string>): Promise<void> {
      problem.textContent = "";
      try {
        button.dataset.saved = await download(path, params);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        problem.textContent = error.message;
        problem.dataset.code = error.code;
      }
    }
    const csv = el("button", { type: "button", "data-action": "csv" }, "CSV");
    csv.addEventListener("click", () => save(csv, batch.exportPath, {}));
    const labels = el("button", { type: "button", "data-action": "labels" }, t("labels"));
    const sheet = { start: "0", count: String(Math.min(batch.quantity, 240)) };
    labels.addEventListener("click", () => save(labels, `${batch.labelsPath}labels.pdf`, sheet));
    actions.append(problem, csv, labels);
    if (batch.revokedAt) actions.append(el("span", { class: "revoked" }, t("revoked")));
    else {
      const revoke = el("button", { type: "button", "data-action": "revoke" }, t("revoke"));
      revoke.addEventListener("click", async () => {
        if (!confirm(t("revokeConfirm"))) return;
        await gql(REVOKE, { id: batch.id });
        await batches(root, _params, roles);
      });
      actions.append(revoke);
    }
    table.append(
      el(
        "tr",
        { "data-batch": batch.id, "data-sku": batch.sku },
        el("td", {}, batch.sku),
        el("td", {}, batch.productName),
        el("td", {}, number(batch.quantity)),
        el("td", {}, money(batch.price)),
        el("td", {}, number(batch.pointsPerItem)),
        actions,
      ),
    );
  }
  root.replaceChildren(el("section", { "data-page": "batches" }, el("h2", {}, t("newBatch")), form, el("h2", {}, t("batches")), table));
}
