// dlt's ConnectionStringCredentials for Postgres: a `postgresql://` URL or the same fields as an object.
import { DltException } from "../../errors.ts";

/** dlt's InvalidConnectionString / missing credential fields: the destination cannot be opened. */
export class InvalidConnectionString extends DltException {}

export interface PostgresCredentialsInput {
  host?: string;
  port?: number | string;
  database?: string;
  username?: string;
  password?: string;
  connect_timeout?: number;
}

export class PostgresCredentials {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password?: string;
  readonly connect_timeout: number;

  constructor(input: string | PostgresCredentialsInput) {
    const fields = typeof input === "string" ? parseUrl(input) : input;
    const missing = (["host", "database", "username"] as const).filter((k) => !fields[k]);
    if (missing.length) {
      throw new InvalidConnectionString(`postgres credentials are missing ${missing.join(", ")}`);
    }
    this.host = fields.host!;
    this.port = Number(fields.port ?? 5432);
    if (!Number.isInteger(this.port) || this.port <= 0 || this.port > 65535) {
      throw new InvalidConnectionString(`postgres credentials have an invalid port: ${String(fields.port)}`);
    }
    this.database = fields.database!;
    this.username = fields.username!;
    this.password = fields.password;
    this.connect_timeout = fields.connect_timeout ?? 15;
  }

  /** The URL with the password masked, as dlt prints it in LoadInfo. */
  location(): string {
    const user = encodeURIComponent(this.username) + (this.password ? ":***" : "");
    return `postgresql://${user}@${this.host}:${this.port}/${encodeURIComponent(this.database)}`;
  }
}

function parseUrl(text: string): PostgresCredentialsInput {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidConnectionString(`postgres credentials are not a connection URL: ${JSON.stringify(redact(text))}`);
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new InvalidConnectionString(`postgres credentials must start with postgresql://, not ${url.protocol}//`);
  }
  const timeout = url.searchParams.get("connect_timeout");
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port || undefined,
    database: decodeURIComponent(url.pathname.replace(/^\//, "")),
    username: decodeURIComponent(url.username),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    ...(timeout ? { connect_timeout: Number(timeout) } : {}),
  };
}

function redact(text: string): string {
  return text.replace(/:[^:@/]*@/, ":***@");
}
