// A fully read response: paginators, detectors and response actions all look at the same body,
// so it is read once. Hooks may rewrite `status` or the body (`text` / `setJson`).
import { JSONDecodeError } from "./errors.ts";
import type { Request } from "./request.ts";

const REASONS: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
  413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
  504: "Gateway Timeout",
};

export interface Link {
  url: string;
  rel?: string;
  [param: string]: string | undefined;
}

export class RESTResponse {
  status: number;
  /** The status text (HTTP/2 and some servers send none; the standard phrase is used then). */
  reason: string;
  /** The URL that was requested, with its query (unredacted: this object stays in your code). */
  readonly url: string;
  readonly headers: Headers;
  readonly request: Request;
  /** The URL as it may appear in messages. */
  readonly displayUrl: string;
  private _text: string;
  private parsed: { ok: true; value: unknown } | undefined;

  constructor(init: { status: number; statusText: string; url: string; headers: Headers; text: string; request: Request; displayUrl: string }) {
    this.status = init.status;
    this.reason = init.statusText || REASONS[init.status] || "";
    this.url = init.url;
    this.headers = init.headers;
    this._text = init.text;
    this.request = init.request;
    this.displayUrl = init.displayUrl;
  }

  /** requests' name. */
  get status_code(): number {
    return this.status;
  }

  get ok(): boolean {
    return this.status < 400;
  }

  get text(): string {
    return this._text;
  }

  set text(value: string) {
    this._text = value;
    this.parsed = undefined;
  }

  /** Replaces the body, e.g. in a response hook that repairs an API's answer. */
  setJson(value: unknown): void {
    this._text = JSON.stringify(value);
    this.parsed = { ok: true, value };
  }

  /** The body as JSON; an empty body is null. Throws a JSONDecodeError naming the URL. */
  json(): any {
    if (this.parsed) return this.parsed.value;
    if (this._text.trim() === "") {
      this.parsed = { ok: true, value: null };
      return null;
    }
    try {
      const value = JSON.parse(this._text);
      this.parsed = { ok: true, value };
      return value;
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new JSONDecodeError(this.request.method.toUpperCase(), this.displayUrl, this.status, detail, this._text.slice(0, 80));
    }
  }

  /** The `Link` header by relation, as requests' `response.links`. */
  get links(): Record<string, Link> {
    return parseLinkHeader(this.headers.get("link"));
  }
}

/** RFC 8288 `Link: <url>; rel="next", <url2>; rel="last"` → { next: {url, rel}, last: {...} }. */
export function parseLinkHeader(header: string | null): Record<string, Link> {
  const out: Record<string, Link> = {};
  if (!header) return out;
  const re = /<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g;
  for (const m of header.matchAll(re)) {
    const link: Link = { url: m[1].trim() };
    for (const part of m[2].split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const key = part.slice(0, eq).trim().toLowerCase();
      const value = part.slice(eq + 1).trim().replace(/^"|"$/g, "");
      if (key) link[key] = value;
    }
    const rels = (link.rel ?? link.url).split(/\s+/).filter(Boolean);
    for (const rel of rels) out[rel] ??= link;
  }
  return out;
}
