// npm run bench:ui — the notebook's speed as a person feels it, measured in headless Chromium
// against the built app on a preview server (not a test: it prints figures, asserts nothing).
//   1. page load → the lesson notebook's first cell's LoadInfo, cold (fresh profile: includes
//      opening the lesson from the list) and on a warm cache (reloads in the same profile)
//   2. a 1,000,000-row SQL result: run → first rows shown, and a jump to the middle → rows shown
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright";
import { preview, type PreviewServer } from "vite";

const PORT = Number(process.env.BENCH_PORT ?? 4179);
const URL = `http://127.0.0.1:${PORT}/`;
const exe = process.env.PIPEBOOK_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function startPreview(): Promise<PreviewServer> {
  // vite's own API: the server lives and dies with this process.
  return preview({ preview: { host: "127.0.0.1", port: PORT, strictPort: true }, logLevel: "warn" });
}

/** ms from navigation to the walkthrough's first code cell's LoadInfo, with the moments in between. */
async function loadToLoadInfo(page: Page, url: string): Promise<{ ready: number; loadInfo: number }> {
  // Leave first: going to the same URL with only a hash is not a page load.
  await page.goto("about:blank");
  const t0 = performance.now();
  await page.goto(url);
  await page.getByTestId("runtime-status").filter({ hasText: "Ready" }).waitFor({ timeout: 60_000 });
  const ready = performance.now() - t0;
  // A fresh profile opens the walkthrough, whose first code cell is the lesson's first example.
  const first = page.locator('[data-testid="cell"][data-kind="code"]').first();
  await first.getByRole("button", { name: "Run cell" }).click();
  await first.getByTestId("stream").filter({ hasText: "load package(s) were loaded" }).waitFor({ timeout: 60_000 });
  return { ready, loadInfo: performance.now() - t0 };
}

async function millionRows(page: Page): Promise<{ firstRows: number; middle: number; server: string }> {
  await page.getByRole("button", { name: "Add SQL cell" }).click();
  const cell = page.locator('[data-testid="cell"]').filter({ has: page.locator(":focus") });
  const id = await cell.getAttribute("data-cell-id");
  const sql = page.locator(`[data-testid="cell"][data-cell-id="${id}"]`);
  await page.keyboard.insertText("select range as id, range % 97 as k, 'row ' || range as label, range * 0.5 as v from range(1000000)");
  const t0 = performance.now();
  await page.keyboard.press("ControlOrMeta+Enter");
  await sql.locator('[role="row"][aria-rowindex="1"] [role="cell"]').first().waitFor({ timeout: 60_000 });
  const firstRows = performance.now() - t0;
  const server = (await sql.locator('[data-testid="sql-result"] .dim').textContent())?.trim() ?? "";
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
  return { firstRows, middle: performance.now() - t1, server };
}

const fmt = (ms: number) => `${Math.round(ms).toLocaleString("en")} ms`;

const server = await startPreview();
const profile = mkdtempSync(join(tmpdir(), "pipebook-bench-"));
try {
  const context = await chromium.launchPersistentContext(profile, {
    ...(exe === "playwright" ? {} : { executablePath: exe }),
    args: ARGS,
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cold = await loadToLoadInfo(page, URL);
  const lessonUrl = page.url();
  const warm = [];
  for (let i = 0; i < 3; i++) warm.push(await loadToLoadInfo(page, lessonUrl));
  const best = warm.reduce((a, b) => (b.loadInfo < a.loadInfo ? b : a));
  const median = [...warm].sort((a, b) => a.loadInfo - b.loadInfo)[1];
  const big = await millionRows(page);
  await context.close();

  console.log("pipebook UI speed (headless Chromium, vite preview of the production build)");
  console.log(`  page load → first cell's LoadInfo, cold cache : ${fmt(cold.loadInfo)} (runtime ready at ${fmt(cold.ready)})`);
  console.log(`  page load → first cell's LoadInfo, warm cache : ${fmt(median.loadInfo)} median of 3, best ${fmt(best.loadInfo)} (runtime ready at ${fmt(median.ready)})`);
  console.log(`  1,000,000-row result: run → first rows shown  : ${fmt(big.firstRows)} (cell reports ${big.server.replace(/^·\s*/, "")})`);
  console.log(`  1,000,000-row result: jump to middle → rows   : ${fmt(big.middle)}`);
} finally {
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
