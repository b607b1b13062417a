import { ApiError, download, gql } from "./api";
import { digits, el, type Money, money, type Refusal } from "./dom";
import { form } from "./form";
import { number, t } from "./i18n";

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

// Code batches: create one (each refusal shown next to its field), download its printer CSV and
// labels, revoke it.
export async function batches(root: HTMLElement, _params: URLSearchParams, roles: string[]): Promise<void> {
  const data = await gql<{ me: { brand: { currency: string } }; codeBatches: { nodes: Batch[] } }>(LIST);
  const places = digits(data.me.brand.currency);
  const creating = form({
    prefix: "batch",
    // The price is typed in the major unit and sent in the minor one.
    fields: [
      { name: "sku" },
      { name: "productName" },
      { name: "productLine" },
      { name: "quantity", kind: "number" },
      { name: "price", kind: "number", api: "priceCents" },
      { name: "pointsPerItem", kind: "number" },
    ],
    button: "createBatch",
    send: async (v) => {
      const input = {
        sku: v.text("sku"),
        productName: v.text("productName"),
        productLine: v.optional("productLine"),
        quantity: v.whole("quantity"),
        priceCents: v.minor("price", places),
        pointsPerItem: v.whole("pointsPerItem"),
      };
      return (await gql<{ createCodeBatch: { errors: Refusal[] } }>(CREATE, { input })).createCodeBatch.errors;
    },
    done: () => batches(root, _params, roles),
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
  root.replaceChildren(el("section", { "data-page": "batches" }, el("h2", {}, t("newBatch")), creating, el("h2", {}, t("batches")), table));
}
