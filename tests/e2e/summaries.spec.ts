// What a load says is what happened: rows loaded (not attempted), the engine's warnings in the
// cell, load history as recorded when each load ran, SQL errors in the user's words.
import { expect, test } from "@playwright/test";
import { addCell, cell, fill, freshNotebook, runCell } from "./helpers.ts";

test("a load whose only job failed reports 0 rows loaded", async ({ page }) => {
  await freshNotebook(page);
  await fill(
    page,
    cell(page, 0),
    [
      `const prices = dlt.resource([{ sku: "A-1", price: 9.99 }, { sku: "B-2", price: 123456.5 }],`,
      `  { name: "prices", columns: { price: { data_type: "decimal", precision: 5, scale: 2 } } });`,
      `const p = dlt.pipeline({ pipeline_name: "failed_e2e", destination: dlt.destinations.duckdb(), dataset_name: "failed_e2e", raise_on_failed_jobs: false });`,
      `const info = await p.run(prices);`,
      `info.has_failed_jobs`,
    ].join("\n"),
  );
  await runCell(page, cell(page, 0));
  const summary = cell(page, 0).getByTestId("load-summary");
  await expect(summary).toContainText("Load with failed jobs");
  await expect(summary.locator(".what")).toContainText("0 rows into failed_e2e");
  await expect(summary).toContainText("prices");
});

test("dlt's warnings show in the cell; load history keeps each load's own rows", async ({ page }) => {
  await freshNotebook(page);
  await fill(
    page,
    cell(page, 0),
    [
      `const h = dlt.pipeline({ pipeline_name: "history_e2e", destination: dlt.destinations.duckdb(), dataset_name: "history_e2e" });`,
      `await h.run([{ id: 1 }, { id: 2 }], { table_name: "items", write_disposition: "replace" });`,
      `await h.run([{ id: 1 }, { id: 2 }, { id: 3 }], { table_name: "items", write_disposition: "replace" });`,
      `await h.run([{ a: 1 }], { table_name: "keyless", write_disposition: "merge" });`,
    ].join("\n"),
  );
  await runCell(page, cell(page, 0));
  await expect(cell(page, 0).getByTestId("warning")).toContainText("Table keyless has `write_disposition` set to `merge`");

  await page.getByRole("tab", { name: "Pipelines" }).click();
  const panel = page.getByTestId("pipelines-panel");
  await expect(panel).toContainText("history_e2e");
  const rows = panel.locator("article").filter({ has: page.getByRole("heading", { name: "history_e2e" }) }).locator("tbody tr");
  // Newest first: 1 (keyless), 3, then 2 — the first load's rows were replaced since, but it loaded 2.
  await expect(rows.locator("td.r")).toHaveText(["1", "3", "2"]);
});

test("a SQL error is shown once, with the user's statement, no scratch table", async ({ page }) => {
  await freshNotebook(page);
  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select * from no_such_schema.no_such_table");
  await runCell(page, sql);
  const err = sql.getByTestId("cell-error");
  await expect(err).toHaveCount(1);
  await expect(err).toContainText("no_such_table");
  await expect(err).not.toContainText("__pipebook_result");
  await expect(err).not.toContainText("CREATE");
});
