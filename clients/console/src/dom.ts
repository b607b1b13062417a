// Small helpers to build the pages without a framework: the console is a handful of views.
import { t, type Word } from "./i18n";

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function select(name: string, options: [string, string][], chosen: string): HTMLSelectElement {
  const box = el("select", { name, "data-testid": name });
  for (const [value, label] of options) {
    const option = el("option", { value }, label);
    option.selected = value === chosen;
    box.append(option);
  }
  return box;
}

export interface Money {
  amount: number;
  currency: string;
  digits: number;
}

// How many decimals a currency's amounts have (2 for CNY, 0 for JPY): amounts are typed in the
// major unit and counted by the API in the minor one.
export function digits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function money(value: Money): string {
  return new Intl.NumberFormat(undefined, {
    style: "currency",
    currency: value.currency,
    minimumFractionDigits: value.digits,
    maximumFractionDigits: value.digits,
  }).format(value.amount / 10 ** value.digits);
}

// The period a picker names: whole UTC days ending with today's.
export function period(days: number, before = 0): { from: string; to: string } {
  const end = new Date();
  end.setUTCHours(24, 0, 0, 0);
  end.setUTCDate(end.getUTCDate() - before * days);
  const start = new Date(end);
  start.setUTCDate(start.getUTCDate() - days);
  return { from: start.toISOString(), to: end.toISOString() };
}

export function route(): { page: string; params: URLSearchParams } {
  const [page, query] = location.hash.replace(/^#\/?/, "").split("?");
  return { page: page || "dashboard", params: new URLSearchParams(query ?? "") };
}

export function go(page: string, params: Record<string, string> = {}): void {
  const query = new URLSearchParams(params).toString();
  location.hash = `#/${page}${query ? `?${query}` : ""}`;
}

// The period pickers' choices: the last 7, 30, 90 or 365 days (or fewer); `pick` gets the one chosen.
export function periodPicker(days: string, pick: (days: string) => void, choices = [7, 30, 90, 365]): HTMLSelectElement {
  const box = select(
    "days",
    choices.map((d) => [String(d), t(`days${d}` as Word)]),
    days,
  );
  box.addEventListener("change", () => pick(box.value));
  return box;
}

// A whole number as typed into a form; anything else as -1, which the API refuses for that very
// field (a string would be refused for the whole request, with no field to show it by).
export function whole(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : -1;
}

export interface Refusal {
  code: string;
  message: string;
  field: string | null;
}

// A mutation's refusals, each next to its field (`boxes`, by the API's field name), or in `general`.
export function showRefusals(refusals: Refusal[], boxes: Map<string, HTMLElement>, general: HTMLElement): void {
  for (const refusal of refusals) {
    const box = boxes.get(refusal.field ?? "") ?? general;
    box.textContent = refusal.message;
    box.dataset.code = refusal.code;
  }
}
