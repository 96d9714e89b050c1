import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { addCell, cell, fill, freshNotebook, resultColumn, runCell } from "./helpers.ts";

// A paginated, chained JSON API on 127.0.0.1, called by the browser worker with fetch.
let server: Server;
let base = "";
const seen: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    seen.push(url.pathname + url.search);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
      res.end(JSON.stringify(body));
    };
    const page = Number(url.searchParams.get("page") ?? "1");
    if (url.pathname === "/issues") {
      const all = [1, 2, 3, 4, 5].map((n) => ({ number: n, title: `issue ${n}` }));
      return send(200, { items: all.slice((page - 1) * 2, page * 2), next: page < 3 ? `${base}/issues?page=${page + 1}` : null });
    }
    const m = /^\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (m) return send(200, [{ id: Number(m[1]) * 100, body: `about ${m[1]}` }]);
    send(404, { error: "not found" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

test("a cell holding only a rest_api_source config loads a paginated, chained API", async ({ page }) => {
  await freshNotebook(page);
  const src = cell(page, 0);
  await fill(
    page,
    src,
    [
      `const tracker = dlt.sources.rest_api_source({`,
      `  client: { base_url: "${base}/" },`,
      `  resources: [`,
      `    { name: "issues", primary_key: "number", endpoint: { path: "issues", data_selector: "items" } },`,
      `    { name: "comments", endpoint: "issues/{resources.issues.number}/comments", include_from_parent: ["title"] },`,
      `  ],`,
      `});`,
    ].join("\n"),
  );
  await src.getByRole("button", { name: "Load…" }).click();
  const dialog = page.getByRole("dialog", { name: "Load into DuckDB" });
  await dialog.getByLabel("Pipeline name").fill("tracker_pipeline");
  await dialog.getByLabel("Dataset name").fill("tracker");
  await dialog.getByRole("button", { name: "Insert and run" }).click();

  const loadCell = cell(page, 1);
  await expect(loadCell).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(loadCell.getByTestId("stream")).toContainText("1 load package(s) were loaded to destination duckdb and into dataset tracker");
  expect(seen.filter((u) => u.startsWith("/issues?") || u === "/issues")).toEqual(["/issues", "/issues?page=2", "/issues?page=3"]);

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select c.id, c._issues_title from tracker.comments c join tracker.issues i on i.title = c._issues_title order by c.id");
  await runCell(page, sql);
  await expect(sql.getByTestId("sql-result")).toContainText("5 rows");
  expect(await resultColumn(sql, 0)).toEqual(["100", "200", "300", "400", "500"]);
  expect(await resultColumn(sql, 1)).toEqual(["issue 1", "issue 2", "issue 3", "issue 4", "issue 5"]);
});
