import { expect, test } from "@playwright/test";
import { LESSON, addCell, cell, editor, fill, freshNotebook, ready, resultColumn, runCell, watchErrors } from "./helpers.ts";

test("the lesson's first example loads, SQL shows Alice and Bob, and a reload keeps both notebook and data", async ({ page }) => {
  const errors = watchErrors(page);
  await freshNotebook(page);
  await expect(page.getByTestId("storage-status")).toHaveText(/stored in this browser/);

  // Typed key by key, as a person would.
  const code = cell(page, 0);
  await editor(code).click();
  await page.keyboard.type(LESSON.join("\n"));
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(code).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(code.getByTestId("stream")).toContainText("1 load package(s) were loaded to destination duckdb and into dataset mydata");
  await expect(code.getByTestId("load-summary")).toContainText("load_dict");
  await expect(code.getByTestId("load-summary")).toContainText("2 rows into mydata");

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select id, name from mydata.load_dict order by id");
  await runCell(page, sql);
  await expect(sql.getByTestId("sql-result")).toContainText("2 rows");
  expect(await resultColumn(sql, 1)).toEqual(["Alice", "Bob"]);
  expect(await resultColumn(sql, 0)).toEqual(["1", "2"]);
  await expect(sql.getByRole("columnheader", { name: /id/ }).first()).toContainText("BIGINT");

  // The data panel lists the dataset and table with its row count.
  await expect(page.getByTestId("data-panel")).toContainText("mydata");
  await expect(page.getByTestId("data-panel")).toContainText("load_dict");

  await page.waitForTimeout(600); // autosave is debounced
  await page.reload();
  await ready(page);
  await expect(page.getByTestId("cell")).toHaveCount(2);
  await expect(editor(cell(page, 0))).toContainText("simple_pipeline");
  await expect(editor(cell(page, 1))).toContainText("select id, name from mydata.load_dict");
  // outputs were saved too
  await expect(cell(page, 0).getByTestId("stream")).toContainText("1 load package(s) were loaded");

  // the data is in DuckDB's OPFS file, not in the saved outputs: query it again
  const again = cell(page, 1);
  await runCell(page, again);
  expect(await resultColumn(again, 1)).toEqual(["Alice", "Bob"]);
  await expect(page.getByTestId("data-panel")).toContainText("load_dict");
  expect(errors).toEqual([]);
});

test("bindings are shared between cells and errors show the cell line", async ({ page }) => {
  await freshNotebook(page);
  await fill(page, cell(page, 0), `const rows: number[] = [1, 2, 3];\nconst total = await Promise.resolve(rows.reduce((a, b) => a + b, 0));`);
  await runCell(page, cell(page, 0));
  const next = await addCell(page, "code");
  await fill(page, next, `console.log("sum", total);\ntotal * 10`);
  await runCell(page, next);
  await expect(next.getByTestId("stream")).toHaveText("sum 6");
  await expect(next.getByTestId("value")).toHaveText("60");

  const bad = await addCell(page, "code");
  await fill(page, bad, `const a = 1;\n\nconst b = (undefined as any).field;`);
  await runCell(page, bad);
  await expect(bad).toHaveAttribute("data-status", "error");
  await expect(bad.getByTestId("cell-error")).toContainText("TypeError");
  await expect(bad.getByTestId("cell-error")).toContainText("line 3");
  // the editor marks that line
  await expect(bad.locator(".cm-error-line")).toHaveCount(1);
  await expect(bad.locator(".cm-error-line")).toContainText("(undefined as any).field");
});

test("first visit also brings an empty notebook: type, run, reload at once, and nothing is lost", async ({ page }) => {
  await page.goto("/");
  await ready(page);
  await page.getByRole("button", { name: /My first notebook/ }).click();
  await expect(page.getByLabel("Notebook title")).toHaveValue("My first notebook");
  const code = page.locator('[data-testid="cell"][data-kind="code"]').first();
  await expect(editor(code)).toBeFocused();
  await page.keyboard.insertText(LESSON.join("\n"));
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByText("1 load package(s) were loaded to destination duckdb and into dataset mydata")).toBeVisible();
  await page.getByRole("button", { name: "Add SQL cell" }).click();
  await page.keyboard.insertText("select * from mydata.load_dict");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByRole("cell", { name: "Alice" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Bob" })).toBeVisible();
  await page.reload();
  await ready(page);
  await expect(page.getByText("1 load package(s) were loaded to destination duckdb and into dataset mydata")).toBeVisible();
  await expect(page.locator(".cm-content").last()).toHaveText("select * from mydata.load_dict");
  await page.locator(".cm-content").last().click();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByRole("cell", { name: "Alice" })).toBeVisible();
});
