// The mutable request a paginator steps through: paginators change `url`, `params` or `json`
// between pages, the client turns it into a fetch call.

export type HTTPMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

export interface Request {
  method: string;
  /** Absolute URL, possibly with its own query (a followed `next` link). */
  url: string;
  /** Query parameters added to `url`; null/undefined values are left out, arrays repeat the key. */
  params: Record<string, unknown>;
  headers: Record<string, string>;
  json?: unknown;
  /** Form fields (an object) or a raw body (a string). */
  data?: unknown;
}

/**
 * base_url + path as dlt joins them: exactly one `/` between; an absolute path_or_url wins. In
 * the browser a path on the page's own origin (`/demo-api/events`) is completed by its address.
 */
export function joinUrl(baseUrl: string | undefined, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  const base = baseUrl ?? "";
  const joined = base === "" ? path : path === "" ? base : base.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
  const here = (globalThis as { location?: { href: string } }).location?.href;
  return here && !/^https?:\/\//i.test(joined) ? new URL(joined, here).toString() : joined;
}

function paramValue(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
}

/** The URL actually requested: `params` appended to whatever query `url` already has. */
export function requestUrl(req: Request): string {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new TypeError(`Cannot request \`${req.url}\`: not an absolute URL. Set \`client.base_url\` (e.g. "https://api.example.com/v1/").`);
  }
  for (const [k, v] of Object.entries(req.params ?? {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, paramValue(item));
    else url.searchParams.append(k, paramValue(v));
  }
  return url.toString();
}

/** fetch() init for a request: headers, and a JSON, form or raw body. */
export function requestInit(req: Request): RequestInit {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined && v !== null) headers.set(k, String(v));
  const init: RequestInit = { method: req.method.toUpperCase(), headers };
  if (req.json !== undefined && req.json !== null) {
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    init.body = JSON.stringify(req.json);
  } else if (req.data !== undefined && req.data !== null) {
    if (typeof req.data === "string" || req.data instanceof Uint8Array) init.body = req.data as BodyInit;
    else {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(req.data as Record<string, unknown>)) {
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) for (const item of v) form.append(k, paramValue(item));
        else form.append(k, paramValue(v));
      }
      init.body = form;
    }
  }
  return init;
}

export function cloneRequest(req: Request): Request {
  return {
    method: req.method,
    url: req.url,
    params: { ...(req.params ?? {}) },
    headers: { ...(req.headers ?? {}) },
    json: req.json === undefined ? undefined : structuredCloneSafe(req.json),
    data: req.data,
  };
}

function structuredCloneSafe<T>(v: T): T {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}
