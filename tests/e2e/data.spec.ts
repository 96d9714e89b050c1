import { expect, test } from "@playwright/test";
import { LESSON, addCell, cell, fill, freshNotebook, ready, resultColumn, runCell } from "./helpers.ts";

test("Reset deletes a pipeline's dataset and state after a confirmation", async ({ page }) => {
  await freshNotebook(page);
  await fill(page, cell(page, 0), LESSON.join("\n"));
  await runCell(page, cell(page, 0));

  // Data panel: dataset → table with its row count → columns with dlt types → preview.
  const data = page.getByTestId("data-panel");
  await expect(data).toContainText("mydata");
  await data.getByRole("button", { name: "Show columns of load_dict" }).click();
  await expect(data).toContainText("name");
  await expect(data).toContainText("text");
  await data.getByRole("button", { name: "load_dict", exact: true }).click();
  const preview = page.getByRole("dialog", { name: "mydata.load_dict" });
  await expect(preview.getByRole("cell", { name: "Alice" })).toBeVisible();
  await expect(preview.getByRole("cell", { name: "Bob" })).toBeVisible();
  await preview.getByRole("button", { name: "Close" }).click();

  await page.getByRole("tab", { name: "Pipelines" }).click();
  const panel = page.getByTestId("pipelines-panel");
  await expect(panel).toContainText("simple_pipeline");
  await expect(panel).toContainText("mydata");

  await panel.getByRole("button", { name: "Reset…" }).click();
  const dialog = page.getByRole("dialog", { name: "Reset pipeline simple_pipeline" });
  await expect(dialog).toContainText("mydata.load_dict (2 rows)");
  // Cancel keeps everything.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(panel).toContainText("simple_pipeline");

  await panel.getByRole("button", { name: "Reset…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(panel).toContainText("No pipeline has loaded into this database yet.");

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select count(*) as n from information_schema.schemata where schema_name = 'mydata'");
  await runCell(page, sql);
  expect(await resultColumn(sql, 0)).toEqual(["0"]);
});

test("without OPFS the database is in memory and the page says so", async ({ page }) => {
  await page.goto("/?storage=memory");
  await ready(page);
  await expect(page.getByTestId("storage-status")).toHaveText(/in memory, lost on reload/);
  await expect(page.getByTestId("memory-banner")).toContainText("Data is kept in memory");
  await page.getByRole("button", { name: "+ New" }).click();
  await fill(page, cell(page, 0), LESSON.join("\n"));
  await runCell(page, cell(page, 0));
  await expect(cell(page, 0).getByTestId("stream")).toContainText("duckdb:///:memory:");
});

test("a SQL cell pages through a million rows and charts a result", async ({ page }) => {
  await freshNotebook(page);
  await page.getByRole("button", { name: "Add SQL cell" }).click();
  const sql = cell(page, 1);
  await fill(page, sql, "select range as id, range % 10 as bucket from range(1000000)");
  await runCell(page, sql);
  await expect(sql.getByTestId("sql-result")).toContainText("1,000,000 rows");
  // Only a window of rows is in the page, whatever the result's size.
  const shown = await sql.locator('[role="row"][aria-rowindex]').count();
  expect(shown).toBeLessThan(60);
  await sql.locator(".grid").evaluate((e) => (e.scrollTop = e.scrollHeight));
  await expect(sql.locator('[role="row"][aria-rowindex="1000000"] [role="cell"]').first()).toHaveText("999999");

  // Rows stream in; a failure after the first ones are shown replaces them with the error.
  await fill(page, sql, "select case when range = 900000 then error('broke at 900000') else range end as id from range(1000000)");
  await runCell(page, sql);
  await expect(sql.getByText("Invalid Input Error: broke at 900000")).toBeVisible();
  await expect(sql.getByTestId("sql-result")).toHaveCount(0);

  await fill(page, sql, "select bucket, count(*) as n from range(1000) t(i), (select i % 4 as bucket) group by 1 order by 1");
  await runCell(page, sql);
  await sql.getByRole("button", { name: "Chart" }).click();
  await expect(sql.locator(".uplot")).toBeVisible();
  await expect(sql.locator(".uplot canvas")).toHaveCount(1);
});
