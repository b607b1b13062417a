import { ApiError, gql, setToken } from "./api";
import { el } from "./dom";
import { t } from "./i18n";

const SIGN_IN = `mutation($brand: String!, $username: String!, $password: String!) {
  signInStaff(brand: $brand, username: $username, password: $password) { token errors { code message field } }
}`;

interface SignIn {
  signInStaff: { token: string | null; errors: { code: string; message: string; field: string | null }[] };
}

// The sign-in form; `expired` says why it shows. On success the page that was open comes back.
export function signIn(root: HTMLElement, expired: boolean, done: () => void): void {
  const remembered = localStorage.getItem("console.brand") ?? "";
  const brand = el("input", { name: "brand", "data-testid": "brand", autocomplete: "organization" });
  brand.value = remembered;
  const username = el("input", { name: "username", "data-testid": "username", autocomplete: "username" });
  const password = el("input", {
    name: "password",
    type: "password",
    "data-testid": "password",
    autocomplete: "current-password",
  });
  const problem = el("p", { class: "error", "data-testid": "sign-in-error", role: "alert" });
  const form = el(
    "form",
    { class: "sign-in", "data-testid": "sign-in" },
    el("h1", {}, t("title")),
    expired ? el("p", { class: "notice", "data-testid": "session-ended" }, t("sessionExpired")) : "",
    el("label", {}, t("brand"), brand),
    el("label", {}, t("username"), username),
    el("label", {}, t("password"), password),
    problem,
    el("button", { type: "submit", "data-testid": "sign-in-button" }, t("signIn")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.textContent = "";
    try {
      const data = await gql<SignIn>(SIGN_IN, {
        brand: brand.value.trim(),
        username: username.value.trim(),
        password: password.value,
      });
      const refused = data.signInStaff.errors[0];
      if (refused || !data.signInStaff.token) {
        problem.textContent = refused?.message ?? "";
        problem.dataset.code = refused?.code ?? "";
        return;
      }
      localStorage.setItem("console.brand", brand.value.trim());
      setToken(data.signInStaff.token);
      done();
    } catch (error) {
      problem.textContent = error instanceof ApiError ? error.message : String(error);
    }
  });
  root.replaceChildren(form);
}
