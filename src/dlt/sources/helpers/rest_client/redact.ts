// Keeps secrets out of error messages and logs: a URL's sensitive query values are masked by
// name, and every secret an auth put on a request is masked wherever it appears (a key passed
// under an unusual query name, a token echoed in a message).

export const REDACTED = "*****";

/** Query parameter names whose values are masked in any URL shown to the user (lowercase). */
export const SENSITIVE_PARAMS = new Set([
  "api_key",
  "token",
  "key",
  "access_token",
  "apikey",
  "api-key",
  "access-token",
  "secret",
  "password",
  "pwd",
  "client_secret",
]);

/** Masks the values of sensitive query parameters; leaves anything unparsable as it is. */
export function sanitizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  for (const key of new Set(parsed.searchParams.keys())) {
    if (SENSITIVE_PARAMS.has(key.toLowerCase())) {
      const count = parsed.searchParams.getAll(key).length;
      parsed.searchParams.delete(key);
      for (let i = 0; i < count; i++) parsed.searchParams.append(key, "__REDACTED__");
      changed = true;
    }
  }
  return changed ? parsed.toString().replaceAll("__REDACTED__", REDACTED) : url;
}

/** The set of secret values in play for one client; masks all their spellings in a text. */
export class Secrets {
  private readonly values = new Set<string>();

  add(...secrets: Array<string | undefined | null>): void {
    for (const s of secrets) {
      if (typeof s !== "string" || s.length === 0) continue;
      this.values.add(s);
      // The same secret as it appears once placed in a URL or a form body.
      this.values.add(encodeURIComponent(s));
      this.values.add(new URLSearchParams({ x: s }).toString().slice(2));
    }
  }

  merge(other: Secrets | undefined): void {
    if (other) for (const v of other.values) this.values.add(v);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      if (v && out.includes(v)) out = out.replaceAll(v, REDACTED);
    }
    return out;
  }

  /** A URL as it may be shown: sensitive parameters and known secrets masked. */
  url(url: string): string {
    return this.redact(sanitizeUrl(url));
  }
}
