// A native DuckDB file survives SIGKILL at any moment of a load: after every kill a fresh process
// finds whole packages only, `_dlt_loads` matching the data and the state cursor at the data's
// maximum; a final run completes the load without losing or duplicating a row.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Check } from "./support/kill9_child.ts";

const CHILD = path.join(import.meta.dirname, "support", "kill9_child.ts");
const TOTAL = 300_000;
const BATCH = 10_000;
const KILLS = 20;
const dir = mkdtempSync(path.join(tmpdir(), "pipebook-kill9-"));
// A load that finishes before 20 kills landed starts over in a fresh database and state folder.
let round = 0;
const db = () => path.join(dir, `kill9-${round}.duckdb`);
const pipelinesDir = () => path.join(dir, `pipelines-${round}`);

// Inside the repo, so that the external packages resolve from its node_modules.
const bundle = path.join(import.meta.dirname, "..", "..", "node_modules", ".cache", "pipebook-kill9", "child.mjs");

// One bundled file: a child then starts in a fraction of the time tsx needs to compile the engine.
beforeAll(async () => {
  await build({
    entryPoints: [CHILD],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: bundle,
    external: ["@duckdb/*", "apache-arrow", "pg", "pg-copy-streams"],
    banner: { js: "import { createRequire as __pipebookRequire } from 'node:module'; const require = __pipebookRequire(import.meta.url);" },
    logLevel: "error",
    // Resource names come from function names.
    keepNames: true,
    plugins: [
      {
        // The engine hides Node-only modules from the browser bundler behind a variable import;
        // here they are wanted in the bundle.
        name: "node-only-imports",
        setup(b) {
          b.onLoad({ filter: /src[\\/]dlt[\\/].*\.ts$/ }, async (args) => {
            const text = await readFile(args.path, "utf8");
            const contents = text.replace(/import\(\/\* @vite-ignore \*\/ (\w+)\)/g, (m, name: string) => {
              const target = new RegExp(`const ${name} = (".*?");`).exec(text)?.[1];
              return target ? `import(${target})` : m;
            });
            return { contents, loader: "ts" };
          });
        },
      },
    ],
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: the kill moments are the same on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


interface Outcome {
  check: Check;
  killed: boolean;
  done?: { rows: number; distinct: number };
}

/**
 * Starts a child and kills it `delayMs` after it started run number `runs` (0 = its first run),
 * or never if `kill` is undefined.
 */
function cycle(kill: { runs: number; delayMs: number } | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [bundle, db(), pipelinesDir(), String(TOTAL), String(BATCH)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let check: Check | undefined;
    let done: Outcome["done"];
    let killed = false;
    let starts = 0;
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split("\n").slice(0, -1)) {
        const msg = JSON.parse(line) as { check?: Check; done?: Outcome["done"]; start?: boolean };
        if (msg.check && !check) check = msg.check;
        if (msg.start && kill && starts++ === kill.runs) {
          setTimeout(() => {
            killed = child.kill("SIGKILL");
          }, kill.delayMs);
        }
        if (msg.done) done = msg.done;
      }
      out = out.slice(out.lastIndexOf("\n") + 1);
    });
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (code, signal) => {
      if (!check) return reject(new Error(`child exited (${code ?? signal}) before its check:\n${err}`));
      if (signal !== "SIGKILL" && code !== 0) return reject(new Error(`child failed with ${code}:\n${err}`));
      resolve({ check, killed: killed && signal === "SIGKILL", done });
    });
  });
}

function expectConsistent(c: Check): void {
  expect(c.partial, "packages partly visible").toEqual([]);
  expect(c.inconsistent, "_dlt_loads disagrees with the data").toEqual([]);
  expect(c.distinct, "duplicated rows").toBe(c.rows);
  expect(c.maxId, "rows lost below the maximum").toBe(c.rows);
  if (c.rows === 0) expect(c.cursor).toBeNull();
  else expect(c.cursor, "state cursor vs data").toBe(c.maxId);
}

it(`keeps a native DuckDB file consistent through ${KILLS} SIGKILLs during a ${TOTAL.toLocaleString("en-US")}-row incremental load`, async () => {
  const random = seeded(20261204);
  let interrupted = 0;
  const progress: number[] = [];
  // How fast a run goes depends on the machine: cycle until KILLS kills landed mid-load.
  for (let i = 0; interrupted < KILLS && i < KILLS * 4; i++) {
    // A run here takes a few hundred milliseconds: the kill lands anywhere in it or in the next.
    const { check, killed } = await cycle({ runs: Math.floor(random() * 2), delayMs: Math.floor(random() * 600) });
    expectConsistent(check);
    progress.push(check.rows);
    if (killed && check.rows < TOTAL) interrupted += 1;
    if (check.rows === TOTAL) round += 1;
  }
  // The final run finishes the load; the process after it sees every row exactly once.
  const last = await cycle(undefined);
  expectConsistent(last.check);
  expect(last.done).toEqual({ rows: TOTAL, distinct: TOTAL });
  expect(interrupted).toBeGreaterThanOrEqual(20);
  // The kills landed while data was loading, not only before or after.
  expect(new Set(progress).size).toBeGreaterThan(5);
  console.log(`rows seen after each kill: ${progress.join(" ")}`);
}, 120_000);
