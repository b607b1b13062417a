// A table of figures: each row keyed, each figure's cell carrying its number (`data-value`) beside the
// text shown, so tests and scripts read the figure, not its formatting.
import { el } from "./dom";

export type Cell = string | Node | [string, number];

export interface Row {
  key: string;
  cells: Cell[];
  actions?: HTMLElement[];
}

export function table(testid: string, head: string[], rows: Row[]): HTMLElement {
  const titles = rows.some((row) => row.actions?.length) ? [...head, ""] : head;
  const out = el("table", { "data-testid": testid }, el("tr", {}, ...titles.map((h) => el("th", {}, h))));
  for (const row of rows) {
    const tr = el("tr", { "data-key": row.key });
    for (const cell of row.cells) {
      tr.append(Array.isArray(cell) ? el("td", { "data-value": String(cell[1]) }, cell[0]) : el("td", {}, cell));
    }
    if (titles.length > head.length) tr.append(el("td", { class: "actions" }, ...(row.actions ?? [])));
    out.append(tr);
  }
  return out;
}
