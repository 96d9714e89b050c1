// The walkthrough's code cells, run in order in Node on real DuckDB-WASM against the demo API
// (public/demo-api/api.js, the same script the app's service worker serves): every step's
// check must pass. The browser run of the same notebook is tests/e2e/tutorial.spec.ts.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dlt from "../../src/dlt/index.ts";
import { CellSession } from "../../src/notebook/session.ts";
import { TUTORIAL_STEPS, tutorialNotebook } from "../../src/notebook/tutorial.ts";

type Handled = { status: number; headers: Record<string, string>; body: string };
const g = globalThis as Record<string, any>;
const saved = { fetch: g.fetch, location: g.location, self: g.self };

beforeAll(() => {
  g.self ??= globalThis;
  createRequire(import.meta.url)("../../public/demo-api/api.js");
  const origin = "http://127.0.0.1:5173";
  g.location = { href: `${origin}/`, origin };
  g.fetch = async (input: string | URL | Request) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, origin);
    if (url.origin !== origin || !url.pathname.startsWith("/demo-api/")) throw new Error(`offline: ${url}`);
    const r: Handled = g.pipebookDemoApi.handle(url.pathname + url.search);
    if (process.env.TUTORIAL_LOG) console.log("FETCH", url.pathname + url.search, r.status, r.body.length);
    return new Response(r.body, { status: r.status, headers: r.headers });
  };
});

afterAll(() => {
  g.fetch = saved.fetch;
  g.location = saved.location;
  if (saved.self === undefined) delete g.self;
});

describe("the walkthrough notebook", () => {
  it("has numbered steps and runs cell by cell with every check passing", async () => {
    const nb = tutorialNotebook();
    const headings = nb.cells.filter((c) => c.kind === "markdown").map((c) => /^## Step (\d+) of (\d+)/m.exec(c.source)).filter(Boolean);
    expect(headings.map((m) => Number(m![1]))).toEqual(Array.from({ length: TUTORIAL_STEPS }, (_, i) => i + 1));
    expect(new Set(headings.map((m) => m![2]))).toEqual(new Set([String(TUTORIAL_STEPS)]));

    const passed: string[] = [];
    const check = (ok: unknown, what: string) => {
      if (!ok) throw new Error(`check failed: ${what}`);
      passed.push(what);
    };
    const quiet = { ...console, log: process.env.TUTORIAL_LOG ? console.log : () => {}, warn: () => {} };
    const session = new CellSession({ dlt, check, console: quiet, display: () => {} });
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.kind !== "code") continue;
      try {
        await session.run(cell.source, { url: `cell-${i}.ts` });
      } catch (e) {
        throw new Error(`cell ${i} failed: ${(e as Error).message}\n${cell.source}`, { cause: e });
      }
    }
    const expected = nb.cells.filter((c) => c.kind === "code").flatMap((c) => [...c.source.matchAll(/check\([\s\S]*?, "([^"]+)"\);/g)].map((m) => m[1]));
    expect(passed).toEqual(expected);
    expect(passed.length).toBeGreaterThanOrEqual(TUTORIAL_STEPS);
  }, 60_000);
});
