// npm run bench:ui — the notebook's speed as a person feels it, measured in headless Chromium
// against the built app on a preview server (not a test: it prints figures, asserts nothing).
// Absolute times drift a lot between machines and days, so every figure is also given as a
// ratio to a baseline measured in the same run, in the same browser: a bare page that only
// starts DuckDB-WASM (bench/bare.html, built into dist-bench by `vite build --mode bench`).
//   1. page load → the walkthrough's first code cell's LoadInfo, cold (fresh profile: first
//      visit) and on a warm cache (reloads in the same profile), against the bare page's
//      page load → `select 1` answered, cold and warm alike. Both ends are read in the page's
//      own clock (ms since its navigation started), so neither figure includes Playwright's
//      navigation and polling, which differ between the two pages; the outside view is printed too.
//   2. a 1,000,000-row SQL result: run → first rows shown, against DuckDB counting the same
//      rows from scratch (`select count(*) from (<query>)` in a fresh connection on the bare
//      page); and a jump to the middle → rows shown
//   3. for the record, why a first load is slow on any DuckDB-WASM page: the queries a first load
//      runs, timed on a fresh bare page (cold profile), and on one whose twin instance (another
//      worker, same module) ran them first — the difference is V8 compiling DuckDB's wasm
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright";
import { preview, type PreviewServer } from "vite";

const PORT = Number(process.env.BENCH_PORT ?? 4179);
const APP_URL = `http://127.0.0.1:${PORT}/`;
const BARE_URL = `http://127.0.0.1:${PORT + 1}/bench/bare.html`;
const exe = process.env.PIPEBOOK_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** cold runs (fresh profiles) and warm reloads per page; the median counts */
const COLD = Number(process.env.BENCH_COLD ?? 3);
const WARM = Number(process.env.BENCH_WARM ?? 5);
const MILLION = "select range as id, range % 97 as k, 'row ' || range as label, range * 0.5 as v from range(1000000)";

const TARGET = { load: 1.15, firstRows: 0.25 };

async function startPreview(port: number, mode?: string): Promise<PreviewServer> {
  // vite's own API: the servers live and die with this process. Mode "bench" serves dist-bench.
  return preview({ mode, preview: { host: "127.0.0.1", port, strictPort: true }, logLevel: "warn" });
}

const profiles: string[] = [];
async function launch(): Promise<{ context: BrowserContext; page: Page }> {
  const profile = mkdtempSync(join(tmpdir(), "pipebook-bench-"));
  profiles.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    ...(exe === "playwright" ? {} : { executablePath: exe }),
    args: ARGS,
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

interface Load {
  /** ms from navigation to the runtime's Ready (app) / DuckDB's `select 1` (bare page), in the page's clock */
  ready: number;
  /** ms from navigation to the first cell's LoadInfo shown (app); = ready for the bare page; in the page's clock */
  done: number;
  /** the same end as Playwright sees it from outside (its navigation and polling included), for the record */
  outer: number;
}

/** ms from navigation to the walkthrough's first code cell's LoadInfo, with the moment the runtime was ready. */
async function appLoad(page: Page, url: string): Promise<Load> {
  // Leave first: going to the same URL with only a hash is not a page load.
  await page.goto("about:blank");
  const t0 = performance.now();
  await page.goto(url);
  // A fresh profile opens the walkthrough, whose first code cell is the lesson's first example.
  // Run is pressed as soon as it is there: a cell run before Ready waits for the runtime.
  const first = page.locator('[data-testid="cell"][data-kind="code"]').first();
  await first.getByRole("button", { name: "Run cell" }).click();
  await page.waitForFunction(() => (window as { __loadInfoAt?: number }).__loadInfoAt !== undefined, undefined, { timeout: 60_000 });
  const outer = performance.now() - t0;
  // When the runtime said Ready and the LoadInfo was shown, in the page's own clock (recorded by the init script below).
  const at = await page.evaluate(() => {
    const w = window as { __readyAt?: number; __loadInfoAt?: number };
    return { ready: w.__readyAt ?? NaN, done: w.__loadInfoAt ?? NaN };
  });
  return { ...at, outer };
}

/**
 * Records, in the page, when the runtime answered init (the status chip's title then names
 * DuckDB's version) and when the first code cell's LoadInfo (its load summary) appeared: ms since
 * navigation, the same clock as the bare page's. (A string: tsx's helpers do not exist in the page.)
 */
const WATCH_READY = `(() => {
  const check = () => {
    const chip = document.querySelector('[data-testid="runtime-status"]');
    if (window.__readyAt === undefined && chip && /DuckDB/.test(chip.title)) window.__readyAt = performance.now();
    // A reload shows the last run's saved outputs: only a summary after this run started counts.
    const first = document.querySelector('[data-testid="cell"][data-kind="code"]');
    if (first && first.getAttribute("data-status") === "running") window.__runStarted = true;
    if (window.__loadInfoAt === undefined && window.__runStarted && first.querySelector('[data-testid="load-summary"]')) window.__loadInfoAt = performance.now();
    if (window.__readyAt !== undefined && window.__loadInfoAt !== undefined) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["title", "data-status"] });
})();`;

/** ms from navigation to the bare page's `select 1` answered. */
async function bareLoad(page: Page): Promise<Load> {
  await page.goto("about:blank");
  const t0 = performance.now();
  await page.goto(BARE_URL);
  await page.waitForFunction(() => !!window.bare, undefined, { timeout: 60_000 });
  const outer = performance.now() - t0;
  const r = await page.evaluate(() => window.bare!);
  if (r.error) throw new Error(`bare page: ${r.error}`);
  return { ready: r.select1, done: r.select1, outer };
}

/**
 * Runs the SQL cell (Ctrl+Enter) and times, in the page's clock, the key press → the first
 * row's values in the DOM (new cells, not placeholders: a re-run replaces the old rows), and → the whole result
 * counted (the bar stops saying it is still reading).
 */
async function runTimed(page: Page, id: string): Promise<{ firstRows: number; complete: number; server: string }> {
  await page.evaluate((cellId) => {
    const w = window as { __keyAt?: number; __rowsAt?: number; __doneAt?: number };
    w.__keyAt = w.__rowsAt = w.__doneAt = undefined;
    const sel = `[data-cell-id="${cellId}"] [role="row"][aria-rowindex="1"] [role="cell"]:not(.loading)`;
    const old = document.querySelector(sel);
    addEventListener("keydown", () => (w.__keyAt ??= performance.now()), { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (w.__keyAt === undefined) return;
      const cell = document.querySelector(sel);
      if (w.__rowsAt === undefined && cell && cell !== old) w.__rowsAt = performance.now();
      const bar = document.querySelector(`[data-cell-id="${cellId}"] [data-testid="sql-result"]`);
      if (w.__rowsAt !== undefined && bar && !bar.querySelector('[data-testid="result-streaming"]')) {
        w.__doneAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true });
  }, id);
  await page.keyboard.press("ControlOrMeta+Enter");
  await page.waitForFunction(() => (window as { __doneAt?: number }).__doneAt !== undefined, undefined, { timeout: 60_000 });
  const t = await page.evaluate(() => {
    const w = window as { __keyAt?: number; __rowsAt?: number; __doneAt?: number };
    return { firstRows: w.__rowsAt! - w.__keyAt!, complete: w.__doneAt! - w.__keyAt! };
  });
  const sql = page.locator(`[data-testid="cell"][data-cell-id="${id}"]`);
  const server = (await sql.locator('[data-testid="sql-result"] .dim').textContent())?.trim() ?? "";
  return { ...t, server };
}

interface MillionRun {
  firstRows: number;
  complete: number;
  server: string;
  /** every re-run's first rows, when the figure is their median */
  runs?: number[];
}

/** re-runs of the warm cell; the median counts (one run is at the mercy of a GC or a frame) */
const AGAIN = Number(process.env.BENCH_AGAIN ?? 5);

async function millionRows(page: Page): Promise<{ cold: MillionRun; again: MillionRun; middle: number }> {
  await page.getByRole("button", { name: "Add SQL cell" }).click();
  const cell = page.locator('[data-testid="cell"]').filter({ has: page.locator(":focus") });
  const id = (await cell.getAttribute("data-cell-id"))!;
  const sql = page.locator(`[data-testid="cell"][data-cell-id="${id}"]`);
  await page.keyboard.insertText(MILLION);
  const cold = await runTimed(page, id);
  const grid = sql.locator('[data-testid="sql-result"] .grid');
  const t1 = performance.now();
  await grid.evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
  await page.waitForFunction(
    (cellId) => {
      const rows = document.querySelectorAll(`[data-cell-id="${cellId}"] [role="row"][aria-rowindex]`);
      const r = rows[rows.length - 1];
      return !!r && Number(r.getAttribute("aria-rowindex")) > 400_000 && !r.querySelector(".loading");
    },
    id,
    { timeout: 60_000 },
  );
  const middle = performance.now() - t1;
  // The same cell again: DuckDB's code for this query is warm now, as it is for the baseline.
  const runs: MillionRun[] = [];
  for (let i = 0; i < AGAIN; i++) {
    await sql.locator(".cm-content").focus();
    runs.push(await runTimed(page, id));
  }
  const again = {
    firstRows: median(runs.map((r) => r.firstRows)),
    complete: median(runs.map((r) => r.complete)),
    server: runs[runs.length - 1].server,
    runs: runs.map((r) => r.firstRows),
  };
  return { cold, again, middle };
}

/**
 * DuckDB going through the million rows from scratch on the bare page, each run in a fresh
 * connection (after one run that warms the wasm up, as the app's lesson run has done): the
 * literal `select count(*) from (<query>)`, which DuckDB answers without computing a single
 * column (projection pushdown: it counts range()), and the same count over rows whose every
 * column is computed — the baseline the ratio uses, since no result can be counted faster.
 */
async function countFromScratch(page: Page, n: number) {
  const run = async (q: string) => {
    const cold = (await page.evaluate((sql) => window.bareQuery!(sql), q)).ms;
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < n; i++) {
      const r = await page.evaluate((sql) => window.bareQuery!(sql), q);
      ms.push(r.ms);
      rows = Number(r.value);
    }
    return { cold, ms, rows };
  };
  const stream: Array<{ first: number; all: number }> = [];
  for (let i = 0; i < n; i++) stream.push(await page.evaluate((sql) => window.bareStream!(sql), MILLION));
  return {
    stream,
    literal: await run(`select count(*) from (${MILLION})`),
    computed: await run(`select count(*) from (${MILLION}) as q where hash(columns(*)) is not null`),
  };
}

/** The bare page's first-load queries on a fresh instance, and after a twin instance ran them; fresh profiles. */
async function firstRunCompile(n: number) {
  const fresh: number[] = [];
  const reload: number[] = [];
  const twin: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const url of [BARE_URL, `${BARE_URL}?twin`]) {
      const { context, page } = await launch();
      await page.goto(url);
      await page.waitForFunction(() => !!window.bare, undefined, { timeout: 60_000 });
      const r = await page.evaluate(() => window.bareFirstRun!());
      if (r.twinMs === undefined) {
        fresh.push(r.ms);
        // and after a reload: the HTTP cache and V8's code cache warm, the instance fresh again
        await page.reload();
        await page.waitForFunction(() => !!window.bare, undefined, { timeout: 60_000 });
        reload.push((await page.evaluate(() => window.bareFirstRun!())).ms);
      } else {
        twin.push(r.twinMs);
        after.push(r.ms);
      }
      await context.close();
    }
  }
  return { fresh, reload, twin, after };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms: number) => `${Math.round(ms).toLocaleString("en")} ms`;
const ratio = (r: number, target: number) => `${r.toFixed(2)}× (target ≤ ${target}×: ${r <= target ? "met" : "NOT met"})`;
const list = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");

const app = await startPreview(PORT);
const bareServer = await startPreview(PORT + 1, "bench");
try {
  // Cold: every run a fresh profile (empty HTTP cache, no compiled wasm, no service worker,
  // no notebooks); app and bare page alternate so that drift hits both alike.
  const coldApp: Load[] = [];
  const coldBare: Load[] = [];
  let appSession!: { context: BrowserContext; page: Page; url: string };
  let bareSession!: { context: BrowserContext; page: Page };
  for (let i = 0; i < COLD; i++) {
    const a = await launch();
    await a.context.addInitScript(WATCH_READY);
    coldApp.push(await appLoad(a.page, APP_URL));
    if (i < COLD - 1) await a.context.close();
    else appSession = { ...a, url: a.page.url() };
    const b = await launch();
    coldBare.push(await bareLoad(b.page));
    if (i < COLD - 1) await b.context.close();
    else bareSession = b;
  }
  // Warm: reloads in the last cold run's profiles, alternating.
  const warmApp: Load[] = [];
  const warmBare: Load[] = [];
  for (let i = 0; i < WARM; i++) {
    warmApp.push(await appLoad(appSession.page, appSession.url));
    warmBare.push(await bareLoad(bareSession.page));
  }
  const big = await millionRows(appSession.page);
  const count = await countFromScratch(bareSession.page, 5);
  await appSession.context.close();
  await bareSession.context.close();
  const compile = await firstRunCompile(COLD);

  const m = {
    coldApp: median(coldApp.map((l) => l.done)),
    coldAppReady: median(coldApp.map((l) => l.ready)),
    coldBare: median(coldBare.map((l) => l.done)),
    coldBareOuter: median(coldBare.map((l) => l.outer)),
    warmApp: median(warmApp.map((l) => l.done)),
    warmAppReady: median(warmApp.map((l) => l.ready)),
    warmBare: median(warmBare.map((l) => l.done)),
    warmBareOuter: median(warmBare.map((l) => l.outer)),
    coldAppOuter: median(coldApp.map((l) => l.outer)),
    warmAppOuter: median(warmApp.map((l) => l.outer)),
    count: median(count.literal.ms),
    computed: median(count.computed.ms),
  };
  console.log("pipebook UI speed (headless Chromium, vite preview of the production build)");
  console.log(`baseline: a bare page that only starts DuckDB-WASM (same bundle, same way), page load → select 1 (page clock)`);
  console.log(`  cold (fresh profile), median of ${COLD}: ${fmt(m.coldBare)} [${list(coldBare.map((l) => l.done))}] (seen by Playwright: ${fmt(m.coldBareOuter)})`);
  console.log(`  warm (reload), median of ${WARM}       : ${fmt(m.warmBare)} [${list(warmBare.map((l) => l.done))}] (seen by Playwright: ${fmt(m.warmBareOuter)})`);
  console.log(`  count the 1,000,000 rows, fresh connection, median of ${count.computed.ms.length}:`);
  console.log(`    select count(*) from (<query>) where hash(columns(*)) is not null: ${fmt(m.computed)} [${list(count.computed.ms)}] (${count.computed.rows.toLocaleString("en")} rows; first, cold run ${fmt(count.computed.cold)})`);
  console.log(`    select count(*) from (<query>) (computes no column): ${fmt(m.count)} [${list(count.literal.ms)}]`);
  console.log(`    for the record, the query streamed to the page: first batch ${fmt(median(count.stream.map((s) => s.first)))}, all batches ${fmt(median(count.stream.map((s) => s.all)))}`);
  console.log(`page load → walkthrough's first cell's LoadInfo shown (page clock)`);
  console.log(`  cold (first visit), median of ${COLD}: ${fmt(m.coldApp)} [${list(coldApp.map((l) => l.done))}] (runtime ready at ${fmt(m.coldAppReady)}; seen by Playwright: ${fmt(m.coldAppOuter)})`);
  console.log(`    ÷ bare DuckDB start, cold: ${ratio(m.coldApp / m.coldBare, TARGET.load)}`);
  console.log(`  warm (reload), median of ${WARM}     : ${fmt(m.warmApp)} [${list(warmApp.map((l) => l.done))}] (runtime ready at ${fmt(m.warmAppReady)}; seen by Playwright: ${fmt(m.warmAppOuter)})`);
  console.log(`    ÷ bare DuckDB start, warm: ${ratio(m.warmApp / m.warmBare, TARGET.load)}`);
  console.log(`1,000,000-row result (first run of the cell, and run again: median of ${AGAIN})`);
  for (const [name, r, base] of [
    ["first run", big.cold, count.computed.cold],
    ["run again", big.again, m.computed],
  ] as const) {
    const runs = "runs" in r && r.runs ? ` [${list(r.runs)}]` : "";
    console.log(`  ${name}: key press → first rows in the DOM ${fmt(r.firstRows)}${runs}, → all rows counted ${fmt(r.complete)} (cell reports ${r.server.replace(/^·\s*/, "")})`);
    console.log(`    ÷ DuckDB counting the rows with their columns${name === "first run" ? " (its first, cold run)" : ""} (${fmt(base)}): ${ratio(r.firstRows / base, TARGET.firstRows)}`);
  }
  console.log(`    ÷ DuckDB's literal count(*), for the record: ${(big.again.firstRows / m.count).toFixed(1)}×`);
  console.log(`  jump to middle → rows shown: ${fmt(big.middle)}`);
  console.log(`for the record: a first load's queries on the bare page (schema, table, insert, delete by join, commit, columns, join, catalog), median of ${COLD} fresh profiles`);
  console.log(`  on a fresh instance: ${fmt(median(compile.fresh))} [${list(compile.fresh)}], after a reload ${fmt(median(compile.reload))} [${list(compile.reload)}]; on an instance whose twin (another worker) ran them first: ${fmt(median(compile.after))} [${list(compile.after)}] (the twin: ${fmt(median(compile.twin))})`);
} finally {
  await app.close();
  await bareServer.close();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
}
