// Authentication put on each outgoing request: bearer token, API key (header or query), HTTP
// basic. Each auth names its secrets so the client can mask them in every message.

/** What an auth may change on a request about to be sent. */
export interface OutgoingRequest {
  url: URL;
  headers: Headers;
}

export interface AuthBase {
  apply(req: OutgoingRequest): void | Promise<void>;
  /** Secret values this auth sends; they never appear in errors or logs. */
  secrets(): string[];
}

export class BearerTokenAuth implements AuthBase {
  constructor(readonly token: string) {
    if (typeof token !== "string" || !token) throw new TypeError("auth `bearer` needs a `token` (a non-empty string)");
  }

  apply(req: OutgoingRequest): void {
    req.headers.set("Authorization", `Bearer ${this.token}`);
  }

  secrets(): string[] {
    return [this.token];
  }

  toString(): string {
    return "BearerTokenAuth(token=*****)";
  }
}

export type ApiKeyLocation = "header" | "query" | "param";

export class APIKeyAuth implements AuthBase {
  readonly name: string;
  readonly api_key: string;
  readonly location: ApiKeyLocation;

  constructor(options: { name?: string; api_key: string; location?: ApiKeyLocation }) {
    this.name = options.name ?? "Authorization";
    this.api_key = options.api_key;
    this.location = options.location ?? "header";
    if (typeof this.api_key !== "string" || !this.api_key) throw new TypeError("auth `api_key` needs an `api_key` (a non-empty string)");
    if (!["header", "query", "param"].includes(this.location)) {
      throw new TypeError(`auth \`api_key\`: \`location\` must be "header" or "query", got ${JSON.stringify(this.location)}`);
    }
  }

  apply(req: OutgoingRequest): void {
    if (this.location === "header") req.headers.set(this.name, this.api_key);
    // set, not append: a followed `next` link may already carry the key.
    else req.url.searchParams.set(this.name, this.api_key);
  }

  secrets(): string[] {
    return [this.api_key];
  }

  toString(): string {
    return `APIKeyAuth(name=${this.name}, location=${this.location}, api_key=*****)`;
  }
}

export class HttpBasicAuth implements AuthBase {
  constructor(readonly username: string, readonly password: string) {
    if (typeof username !== "string" || typeof password !== "string") {
      throw new TypeError("auth `http_basic` needs `username` and `password` (strings)");
    }
  }

  private encoded(): string {
    const bytes = new TextEncoder().encode(`${this.username}:${this.password}`);
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  }

  apply(req: OutgoingRequest): void {
    req.headers.set("Authorization", `Basic ${this.encoded()}`);
  }

  secrets(): string[] {
    return [this.password, this.encoded()];
  }

  toString(): string {
    return `HttpBasicAuth(username=${this.username}, password=*****)`;
  }
}

export type AuthConfig =
  | AuthBase
  | { type?: "bearer"; token: string }
  | { type: "api_key"; name?: string; api_key: string; location?: ApiKeyLocation }
  | { type: "http_basic"; username: string; password: string };

const AUTH_TYPES = ["bearer", "api_key", "http_basic"];

function isAuthBase(x: unknown): x is AuthBase {
  return !!x && typeof (x as AuthBase).apply === "function";
}

/** An auth from its config dict (dlt's `type` names; `type` defaults to bearer) or an instance. */
export function createAuth(config: AuthConfig | string | null | undefined): AuthBase | undefined {
  if (config === undefined || config === null) return undefined;
  if (isAuthBase(config)) {
    if (typeof config.secrets !== "function") (config as { secrets: () => string[] }).secrets = () => [];
    return config;
  }
  if (typeof config === "string") {
    throw new TypeError(
      `auth ${JSON.stringify(config)} needs its credentials: pass an object, e.g. { type: "bearer", token: "..." }`,
    );
  }
  if (typeof config !== "object") throw new TypeError(`auth must be an object, got ${typeof config}`);
  const c = config as Record<string, unknown>;
  const type = (c.type as string | undefined) ?? "bearer";
  switch (type) {
    case "bearer":
      return new BearerTokenAuth(c.token as string);
    case "api_key":
      return new APIKeyAuth({ name: c.name as string, api_key: c.api_key as string, location: c.location as ApiKeyLocation });
    case "http_basic":
      return new HttpBasicAuth(c.username as string, c.password as string);
    default:
      throw new TypeError(`auth type ${JSON.stringify(type)} is not supported; use one of ${AUTH_TYPES.join(", ")}`);
  }
}
