import { ApiError, gql, SessionEnded, setToken, token } from "./api";
import { attribution } from "./attribution";
import { batches } from "./batches";
import { broadcasts } from "./broadcasts";
import { dashboard } from "./dashboard";
import { el, go, route } from "./dom";
import { locale, setLocale, t } from "./i18n";
import { members } from "./members";
import { programme } from "./programme";
import { reports } from "./reports";
import { segments } from "./segments";
import { signals } from "./signals";
import { signIn } from "./signin";
import "./style.css";

const ME = `{ me { roles brand { name } } }`;
type View = (root: HTMLElement, params: URLSearchParams, roles: string[]) => Promise<void>;
const PAGES: Record<string, View> = {
  dashboard,
  attribution,
  reports,
  members,
  programme,
  segments,
  broadcasts,
  batches,
  signals,
};
// What a store manager's role may not open (the API would refuse it). Segments and the programme's
// events they may: their store's.
const HQ_ONLY = new Set(["batches", "broadcasts", "signals"]);

const app = document.getElementById("app") as HTMLElement;

function shell(brandName: string, roles: string[]): HTMLElement {
  const main = el("main", { "data-testid": "page" }, t("loading"));
  const nav = el("nav", {});
  for (const page of Object.keys(PAGES).filter((p) => roles.includes("HQ") || !HQ_ONLY.has(p))) {
    const link = el("a", { href: `#/${page}`, "data-nav": page }, t(page as "dashboard"));
    nav.append(link);
  }
  const language = el("button", { type: "button", "data-testid": "language" }, t("language"));
  language.addEventListener("click", () => {
    setLocale(locale() === "en" ? "zh-Hans" : "en");
    void render();
  });
  const out = el("button", { type: "button", "data-testid": "sign-out" }, t("signOut"));
  out.addEventListener("click", () => {
    setToken(null);
    void render();
  });
  app.replaceChildren(el("header", {}, el("strong", {}, `${brandName} · ${t("title")}`), nav, language, out), main);
  return main;
}

// Each view asks the API for what it shows; a refused token brings back the sign-in form, and the
// page (its pickers are in the address) opens again once signed in.
async function render(expired = false): Promise<void> {
  const started = performance.now();
  app.querySelector("main")?.removeAttribute("data-ready");
  document.documentElement.lang = locale();
  if (!token()) {
    signIn(app, expired, () => void render());
    return;
  }
  try {
    const me = await gql<{ me: { roles: string[]; brand: { name: string } } | null }>(ME);
    if (!me.me) throw new SessionEnded("no viewer");
    const main = shell(me.me.brand.name, me.me.roles);
    const { page, params } = route();
    const view = PAGES[page] ?? dashboard;
    for (const link of app.querySelectorAll<HTMLAnchorElement>("nav a")) {
      link.classList.toggle("current", link.dataset.nav === page);
    }
    await view(main, params, me.me.roles);
    restoreDraft(main);
    // How long the page took, from asking to drawn: what bench/console reads.
    main.dataset.renderMs = String(Math.round(performance.now() - started));
    main.dataset.ready = page;
  } catch (error) {
    if (error instanceof SessionEnded) {
      await sessionEnded();
      return;
    }
    app.append(el("p", { class: "error", role: "alert" }, error instanceof ApiError ? error.message : String(error)));
  }
}

// What was typed into the page when the session ended, given back once signed in again. A page
// may hold several forms with fields of one name: each is keyed by its form.
type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
const FIELDS = "input[name], textarea[name], select[name]";
const draftKey = (field: Field) => `${field.form?.dataset.testid ?? ""}/${field.name}`;

function saveDraft(): void {
  const fields: Record<string, string> = {};
  for (const field of app.querySelector("main")?.querySelectorAll<Field>(FIELDS) ?? []) {
    if (field instanceof HTMLInputElement && field.type === "password") continue;
    const value = field instanceof HTMLInputElement && field.type === "checkbox" ? (field.checked ? "on" : "") : field.value;
    if (value) fields[draftKey(field)] = value;
  }
  sessionStorage.setItem("console.draft", JSON.stringify({ hash: location.hash, fields }));
}

function restoreDraft(main: HTMLElement): void {
  const saved = sessionStorage.getItem("console.draft");
  if (!saved) return;
  sessionStorage.removeItem("console.draft");
  const draft = JSON.parse(saved) as { hash: string; fields: Record<string, string> };
  if (draft.hash !== location.hash) return;
  for (const field of main.querySelectorAll<Field>(FIELDS)) {
    const value = draft.fields[draftKey(field)];
    if (value === undefined) continue;
    if (field instanceof HTMLInputElement && field.type === "checkbox") field.checked = value === "on";
    else field.value = value;
  }
}

async function sessionEnded(): Promise<void> {
  if (app.querySelector("main")) saveDraft();
  setToken(null);
  await render(true);
}

// A form's request that finds the session ended (not a page's load): the same way back.
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof SessionEnded) {
    event.preventDefault();
    void sessionEnded();
  }
});
window.addEventListener("hashchange", () => void render());
if (!location.hash) go("dashboard");
void render();
