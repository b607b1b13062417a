// Small helpers to build the pages without a framework: the console is a handful of views.

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
