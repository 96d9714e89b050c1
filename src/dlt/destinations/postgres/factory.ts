// dlt.destinations.postgres(credentials): loads into a Postgres database, one schema per dataset.
// The driver (`pg`) is Node-only, so the client module is imported only when a load starts.
import type { TReplaceStrategy } from "../../schema/types.ts";
import type { Destination, JobClient } from "../client.ts";
import { PostgresCredentials, type PostgresCredentialsInput } from "./credentials.ts";

export interface PostgresDestinationOptions {
  replace_strategy?: TReplaceStrategy;
  destination_name?: string;
}

/** One connection per credentials in this process, shared by the pipelines that use them. */
const clients = new Map<string, Promise<JobClient>>();

export class PostgresDestination implements Destination {
  readonly destination_type = "dlt.destinations.postgres";
  readonly destination_name: string;
  readonly replace_strategy?: TReplaceStrategy;
  readonly credentials: PostgresCredentials;

  constructor(credentials: string | PostgresCredentialsInput, options: PostgresDestinationOptions = {}) {
    this.credentials = new PostgresCredentials(credentials);
    this.destination_name = options.destination_name ?? "postgres";
    this.replace_strategy = options.replace_strategy;
  }

  private get key(): string {
    const c = this.credentials;
    return JSON.stringify([c.host, c.port, c.database, c.username, c.password ?? null]);
  }

  client(): Promise<JobClient> {
    const key = this.key;
    if (!clients.has(key)) {
      const opening = (async () => {
        const clientModule = "./client.ts";
        const { PostgresClient } = (await import(/* @vite-ignore */ clientModule)) as typeof import("./client.ts");
        return PostgresClient.open(this.credentials);
      })();
      clients.set(key, opening);
      // A failed open is not cached: the next run tries again.
      opening.catch(() => clients.delete(key));
    }
    return clients.get(key)!;
  }

  /** Closes this process's connection for these credentials (the next load opens a new one). */
  async close(): Promise<void> {
    const key = this.key;
    const open = clients.get(key);
    clients.delete(key);
    const client = await open?.catch(() => undefined);
    await client?.close?.();
  }
}

export function postgres(credentials: string | PostgresCredentialsInput, options: PostgresDestinationOptions = {}): PostgresDestination {
  return new PostgresDestination(credentials, options);
}
