// The public GraphQL API, as any client calls it; the token lives in sessionStorage.

export class ApiError extends Error {
  constructor(
    public code: string,
    message: string,
    public field?: string,
  ) {
    super(message);
  }
}

export class SessionEnded extends Error {}

// What the API answers when the token no longer opens a session: sign in again.
const SESSION_CODES = ["UNAUTHENTICATED", "TOKEN_INVALID", "TOKEN_EXPIRED"];

export function token(): string | null {
  return sessionStorage.getItem("console.token");
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem("console.token", value);
  else sessionStorage.removeItem("console.token");
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/graphql-response+json, application/json",
  };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? "ERROR";
    if (SESSION_CODES.includes(code)) throw new SessionEnded(error.message);
    throw new ApiError(code, error.message);
  }
  return body.data as T;
}

// A CSV export needs the token in a header: fetched, then saved through an object URL.
export async function download(path: string, params: Record<string, string>): Promise<string> {
  const url = `${path}?${new URLSearchParams(params)}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token()}` } });
  if (response.status === 401) throw new SessionEnded(await response.text());
  if (!response.ok) {
    // The exports answer {"errors": [{"message", "code"}]}, as the API does.
    const refusal = ((await response.json().catch(() => ({}))) as { errors?: { code: string; message: string }[] })
      .errors?.[0];
    throw new ApiError(refusal?.code ?? String(response.status), refusal?.message ?? response.statusText);
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "report.csv";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  return name;
}
