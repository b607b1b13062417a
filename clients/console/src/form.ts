// The console's forms: labelled fields, each with a place for the API's refusal of it, read the way
// the API takes them. One builder, so every form shows refusals and keeps drafts alike.
import { el, type Refusal, select, showRefusals, whole } from "./dom";
import { t, type Word } from "./i18n";

export type Kind = "text" | "number" | "datetime" | "check" | "area" | "choice";

export interface Field {
  name: string;
  kind?: Kind;
  options?: [string, string][];
  value?: string;
  // The API's name for this field where it differs (a price typed in the major unit is sent as
  // `priceCents`): its refusals are shown here.
  api?: string;
}

// What was typed, as the API takes it: a malformed number becomes -1, which the API refuses for
// that very field (a string would be refused for the whole request, with no field to show it by).
export class Values {
  constructor(private readonly form: HTMLFormElement) {}

  private box(name: string): HTMLInputElement {
    return this.form.elements.namedItem(name) as HTMLInputElement;
  }

  text(name: string): string {
    return this.box(name).value.trim();
  }

  optional(name: string): string | null {
    return this.text(name) || null;
  }

  whole(name: string): number {
    return whole(this.text(name));
  }

  optionalWhole(name: string): number | null {
    return this.text(name) ? this.whole(name) : null;
  }

  // An amount typed in the major unit (299.00), in the minor unit the API counts in.
  minor(name: string, places: number): number {
    const text = this.text(name);
    return /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 10 ** places) : -1;
  }

  // A local date and time, sent with this browser's offset; empty: null.
  moment(name: string): string | null {
    const text = this.text(name);
    return text ? new Date(text).toISOString() : null;
  }

  // Fields left empty that the API cannot take as null: refused here, by field, before sending
  // (the API would refuse the whole request, with no field to show it by).
  missing(...names: string[]): Refusal[] {
    return names
      .filter((name) => !this.text(name))
      .map((name) => ({ code: "REQUIRED", message: t("required"), field: name }));
  }

  checked(name: string): boolean {
    return this.box(name).checked;
  }
}

function input(prefix: string, field: Field): HTMLElement {
  const testid = `${prefix}-${field.name}`;
  switch (field.kind) {
    case "choice": {
      const box = select(field.name, field.options ?? [], field.value ?? "");
      box.dataset.testid = testid;
      return box;
    }
    case "area":
      return el("textarea", { name: field.name, "data-testid": testid, rows: "3" }, field.value ?? "");
    case "check":
      return el("input", { name: field.name, "data-testid": testid, type: "checkbox" });
    default: {
      const types: Partial<Record<Kind, string>> = { datetime: "datetime-local" };
      const box = el("input", { name: field.name, "data-testid": testid, type: types[field.kind ?? "text"] ?? "text" });
      if (field.kind === "number") box.inputMode = "decimal";
      box.value = field.value ?? "";
      return box;
    }
  }
}

export interface FormSpec {
  // Names its test id (`${prefix}-form`), its fields' test ids and their labels' words (`${prefix}_${name}`).
  prefix: string;
  fields: Field[];
  button: Word;
  // Sends what was typed; answers the API's refusals (none: done).
  send: (values: Values) => Promise<Refusal[]>;
  // What follows a success (the page drawn again, with the new row).
  done: () => Promise<void>;
}

export function form(spec: FormSpec): HTMLFormElement {
  const out = el("form", { class: "batch-form", "data-testid": `${spec.prefix}-form`, novalidate: "" });
  const errors = new Map<string, HTMLElement>();
  for (const field of spec.fields) {
    const error = el("span", { class: "error", "data-error-for": field.name, role: "alert" });
    errors.set(field.api ?? field.name, error);
    const label = el("label", {}, t(`${spec.prefix}_${field.name}` as Word), input(spec.prefix, field), error);
    if (field.kind === "check") label.classList.add("check");
    out.append(label);
  }
  const general = el("p", { class: "error", "data-error-for": "", role: "alert" });
  out.append(general, el("button", { type: "submit", "data-testid": `${spec.prefix}-submit` }, t(spec.button)));
  out.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const box of [...errors.values(), general]) {
      box.textContent = "";
      delete box.dataset.code;
    }
    const refusals = await spec.send(new Values(out));
    showRefusals(refusals, errors, general);
    if (refusals.length === 0) await spec.done();
  });
  return out;
}
