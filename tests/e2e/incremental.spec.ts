import { expect, test } from "@playwright/test";
import { addCell, cell, fill, freshNotebook, ready, resultColumn, runCell } from "./helpers.ts";

test("an incremental pipeline run again after a page reload loads only the new rows (state from IndexedDB)", async ({ page }) => {
  await freshNotebook(page);
  await fill(page, cell(page, 0), "const rows = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, at: `2024-01-0${i + 1}T00:00:00Z` }));");
  const run = await addCell(page, "code");
  await fill(
    page,
    run,
    [
      `const items = dlt.resource(function* items() { yield rows; }, { incremental: dlt.sources.incremental("at") });`,
      // Only the browser's own copy of the state may carry the cursor over.
      `const p = dlt.pipeline({ pipeline_name: "reload_inc", destination: dlt.destinations.duckdb(), dataset_name: "inc", restore_from_destination: false });`,
      `await p.run(items);`,
      `p.last_trace.last_normalize_info.row_counts.items ?? 0`,
    ].join("\n"),
  );
  await page.getByRole("button", { name: "Run all" }).click();
  await expect(run.getByTestId("value")).toHaveText("5", { timeout: 30_000 });

  await page.waitForTimeout(600); // autosave
  await page.reload();
  await ready(page);
  await fill(page, cell(page, 0), "const rows = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, at: `2024-01-0${i + 1}T00:00:00Z` }));");
  await page.getByRole("button", { name: "Run all" }).click();
  await expect(cell(page, 1).getByTestId("value")).toHaveText("3", { timeout: 30_000 });

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select count(*) as n, count(distinct id) as ids from inc.items");
  await runCell(page, sql);
  expect(await resultColumn(sql, 0)).toEqual(["8"]);
  expect(await resultColumn(sql, 1)).toEqual(["8"]);
});
