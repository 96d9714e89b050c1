// A real HTTP server on 127.0.0.1 for the REST API tests: routes answer with deterministic JSON,
// every request is recorded (method, path, query, headers, body, arrival time).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path with query, as sent. */
  url: string;
  path: string;
  query: Record<string, string>;
  search: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Route parameters (`/posts/:id` → { id }). */
  params: Record<string, string>;
  /** performance.now() at arrival, in ms. */
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  /** ms to wait before answering. */
  delay?: number;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface TestServer {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  requests: RecordedRequest[];
  /** `"GET /posts/:id"` or `"/posts"` (any method). Later routes win over earlier ones. */
  route(key: string, handler: Handler | Reply): void;
  /** Requests whose path is exactly `path`. */
  to(path: string): RecordedRequest[];
  /** Paths with query of all requests, in order. */
  log(): string[];
  close(): Promise<void>;
}

interface Route {
  method?: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

function compile(key: string, handler: Handler | Reply): Route {
  const m = /^(?:([A-Z]+)\s+)?(\/.*)$/.exec(key.trim());
  if (!m) throw new Error(`bad route ${key}`);
  const names: string[] = [];
  const source = m[2].replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_, n) => {
    names.push(n);
    return "([^/]+)";
  });
  return {
    method: m[1],
    pattern: new RegExp(`^${source}$`),
    names,
    handler: typeof handler === "function" ? handler : () => handler,
  };
}

/** A handler answering with each reply in turn, then repeating the last. */
export function sequence(...replies: Reply[]): Handler {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)];
}

export async function startServer(routes: Record<string, Handler | Reply> = {}): Promise<TestServer> {
  const table: Route[] = Object.entries(routes).map(([k, h]) => compile(k, h));
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        search: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        params: {},
        at: performance.now(),
      };
      requests.push(recorded);
      let reply: Reply = { status: 404, json: { error: "not found", path: url.pathname } };
      for (let i = table.length - 1; i >= 0; i--) {
        const r = table[i];
        if (r.method && r.method !== recorded.method) continue;
        const m = r.pattern.exec(url.pathname);
        if (!m) continue;
        r.names.forEach((n, j) => (recorded.params[n] = decodeURIComponent(m[j + 1])));
        try {
          reply = await r.handler(recorded);
        } catch (e) {
          reply = { status: 500, json: { error: String(e) } };
        }
        break;
      }
      if (reply.delay) await new Promise((r) => setTimeout(r, reply.delay));
      if (res.destroyed) return;
      const headers: Record<string, string> = { ...(reply.headers ?? {}) };
      let body = reply.body ?? "";
      if (reply.json !== undefined) {
        body = JSON.stringify(reply.json);
        headers["content-type"] ??= "application/json";
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(key, handler) {
      table.push(compile(key, handler));
    },
    to(path) {
      return requests.filter((r) => r.path === path);
    },
    log() {
      return requests.map((r) => r.url);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
