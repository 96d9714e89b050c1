import { expect, test } from "@playwright/test";
import { addCell, cell, fill, freshNotebook, ready, resultColumn, runCell } from "./helpers.ts";

test("Load from a source cell with merge writes the pipeline.run call, and merge updates by key", async ({ page }) => {
  await freshNotebook(page);
  const src = cell(page, 0);
  await fill(page, src, `let rows = [{ id: 1, name: "Ann" }, { id: 2, name: "Ben" }];\nconst users = dlt.resource(function* users() { yield rows; });`);
  // Load is offered as soon as the cell defines a resource, before it ever ran.
  await src.getByRole("button", { name: "Load…" }).click();
  const dialog = page.getByRole("dialog", { name: "Load into DuckDB" });
  await dialog.getByLabel("Pipeline name").fill("users_pipeline");
  await dialog.getByLabel("Dataset name").fill("crm");
  await dialog.getByLabel("Table name").fill("people");
  await dialog.getByText("Merge", { exact: true }).click();
  await dialog.getByLabel("Primary key").fill("id");
  await dialog.getByLabel("Merge strategy").selectOption("upsert");
  await expect(dialog.locator("pre")).toContainText(`write_disposition: { disposition: "merge", strategy: "upsert" }`);
  await dialog.getByLabel("Merge strategy").selectOption("delete-insert");
  await expect(dialog.locator("pre")).toContainText(
    `await pipeline.run(users, { table_name: "people", write_disposition: "merge", primary_key: "id" });`,
  );
  await dialog.getByRole("button", { name: "Insert and run" }).click();

  const loadCell = cell(page, 1);
  await expect(loadCell).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(loadCell.getByTestId("stream")).toContainText("1 load package(s) were loaded to destination duckdb and into dataset crm");
  await expect(loadCell.getByTestId("load-summary")).toContainText("people");
  await expect(loadCell.getByTestId("load-summary")).toContainText("people.name");

  // New data for the same keys: the generated cell, run again, merges.
  const change = await addCell(page, "code");
  await fill(page, change, `rows = [{ id: 2, name: "Ben 2" }, { id: 3, name: "Cy" }];`);
  await runCell(page, change);
  await runCell(page, loadCell);
  await expect(loadCell).toHaveAttribute("data-status", "done");

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select id, name from crm.people order by id");
  await runCell(page, sql);
  expect(await resultColumn(sql, 0)).toEqual(["1", "2", "3"]);
  expect(await resultColumn(sql, 1)).toEqual(["Ann", "Ben 2", "Cy"]);

  // The pipelines panel shows both loads.
  await page.getByRole("tab", { name: "Pipelines" }).click();
  await expect(page.getByTestId("pipelines-panel")).toContainText("users_pipeline");
  await expect(page.getByTestId("pipelines-panel").locator("tbody tr")).toHaveCount(2);

  // After a reload the runtime is fresh: Load runs the source cell again before the load.
  await page.reload();
  await ready(page);
  await cell(page, 0).getByRole("button", { name: "Load…" }).click();
  const again = page.getByRole("dialog", { name: "Load into DuckDB" });
  await again.getByLabel("Pipeline name").fill("users_pipeline");
  await again.getByLabel("Dataset name").fill("crm");
  await again.getByLabel("Table name").fill("people");
  await again.getByText("Append", { exact: true }).click();
  await again.getByRole("button", { name: "Insert and run" }).click();
  // The new load goes after the earlier load of `users`, not above it: cells read in run order.
  const appended = cell(page, 2);
  await expect(appended.locator(".cm-content")).toContainText(`write_disposition: "append"`);
  await expect(cell(page, 1).locator(".cm-content")).toContainText(`write_disposition: "merge"`);
  await expect(appended).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(appended.getByTestId("stream")).toContainText("1 load package(s) were loaded");
  const count = page.locator('[data-testid="cell"][data-kind="sql"]').first();
  await fill(page, count, "select count(*) as n from crm.people");
  await runCell(page, count);
  expect(await resultColumn(count, 0)).toEqual(["5"]);
});

test("a long load shows its progress and can be stopped, leaving the data as it was", async ({ page }) => {
  await freshNotebook(page);
  const setup = cell(page, 0);
  await fill(
    page,
    setup,
    [
      `const pipeline = dlt.pipeline({ pipeline_name: "slow", destination: dlt.destinations.duckdb(), dataset_name: "slowdata" });`,
      `await pipeline.run([{ n: 1 }, { n: 2 }], { table_name: "numbers", write_disposition: "replace" });`,
    ].join("\n"),
  );
  await runCell(page, setup);
  await expect(setup).toHaveAttribute("data-status", "done");

  const slow = await addCell(page, "code");
  await fill(
    page,
    slow,
    [
      `const numbers = dlt.resource(async function* numbers() {`,
      `  for (let p = 0; p < 100000; p++) {`,
      `    yield Array.from({ length: 500 }, (_, i) => ({ n: p * 500 + i }));`,
      `    await new Promise((r) => setTimeout(r, 10));`,
      `  }`,
      `});`,
      `await pipeline.run(numbers, { write_disposition: "append" });`,
    ].join("\n"),
  );
  await slow.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+Enter");
  const progress = slow.getByTestId("progress");
  await expect(progress).toContainText("Extracting");
  await expect(progress).toContainText(/items so far/);
  await progress.getByRole("button", { name: "Stop this load" }).click();
  await expect(slow).toHaveAttribute("data-status", "stopped");
  await ready(page);

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select count(*) as rows from slowdata.numbers");
  await runCell(page, sql);
  expect(await resultColumn(sql, 0)).toEqual(["2"]);
});
