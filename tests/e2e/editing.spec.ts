import { expect, test } from "@playwright/test";
import { LESSON, cell, editor, fill, freshNotebook, ready, runCell } from "./helpers.ts";

test("the editor completes the dlt API and its snake_case options", async ({ page }) => {
  await freshNotebook(page);
  await editor(cell(page, 0)).click();
  await page.keyboard.type("dlt.pip");
  const list = page.locator(".cm-tooltip-autocomplete");
  await expect(list).toContainText("pipeline");
  // CodeMirror ignores Enter for 75 ms after the list opens (no accidental picks), as a person would pause
  await page.waitForTimeout(300);
  await page.keyboard.press("Enter");
  await page.keyboard.type("({ pipeline_n");
  await expect(list).toContainText("pipeline_name");
  await page.waitForTimeout(300);
  await page.keyboard.press("Enter");
  await expect(editor(cell(page, 0))).toContainText("dlt.pipeline({ pipeline_name: ");
  await page.keyboard.type(`"p" });`);
  await page.keyboard.press("Enter");
  await page.keyboard.type("dlt.destinations.");
  await expect(list).toContainText("duckdb");
});

test("Shift+Enter runs and moves on; cells move and delete", async ({ page }) => {
  await freshNotebook(page);
  await editor(cell(page, 0)).click();
  await page.keyboard.insertText("const first = 1; first");
  await page.keyboard.press("Shift+Enter");
  await expect(page.getByTestId("cell")).toHaveCount(2);
  await expect(cell(page, 0).getByTestId("value")).toHaveText("1");
  // focus moved to the new cell: typing goes there
  await page.keyboard.insertText("first + 1");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(cell(page, 1).getByTestId("value")).toHaveText("2");
  await expect(page.getByTestId("cell")).toHaveCount(2);

  await cell(page, 1).getByRole("button", { name: "Move cell up" }).click();
  await expect(editor(cell(page, 0))).toHaveText("first + 1");
  await cell(page, 0).getByRole("button", { name: "Delete cell" }).click();
  await expect(page.getByTestId("cell")).toHaveCount(1);
  await expect(editor(cell(page, 0))).toHaveText("const first = 1; first");

  await page.getByRole("button", { name: "Clear outputs" }).click();
  await expect(cell(page, 0).getByTestId("cell-outputs")).toHaveCount(0);
});

test("Erase all local data removes notebooks and the database", async ({ page }) => {
  await freshNotebook(page);
  await fill(page, cell(page, 0), LESSON.join("\n"));
  await runCell(page, cell(page, 0));
  await expect(page.getByTestId("data-panel")).toContainText("mydata");

  await page.getByRole("button", { name: "Erase all local data" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Erase everything" }).click();
  await page.waitForURL((u) => !u.hash.includes("nb/"), { timeout: 20_000 }).catch(() => undefined);
  await ready(page);
  // Only the first-visit notebooks, and an empty database.
  const list = page.getByRole("navigation", { name: "Notebooks" }).getByRole("listitem");
  await expect(list).toHaveCount(2);
  await expect(list.first()).toContainText("Learn dlt: the basics");
  await expect(list.nth(1)).toContainText("My first notebook");
  await expect(page.getByTestId("data-panel")).toContainText("No data yet");
});

test("editors below the fold are made once the runtime is idle; a click on a cell whose editor is not made yet edits it", async ({ page }) => {
  await page.goto("/");
  const sources = page.locator('[data-testid="cell"][data-kind="code"], [data-testid="cell"][data-kind="sql"]');
  const last = sources.last();
  await expect(last).toBeAttached();
  // At once, while DuckDB is still starting: far cells show their source as text until made.
  await last.locator(".code-editor").click();
  await page.keyboard.insertText("-- looked at early\n");
  await expect(editor(last)).toContainText("-- looked at early");
  await ready(page);
  // Idle now: every source cell has its editor, none is left as text.
  await expect(page.locator(".code-editor pre.source")).toHaveCount(0);
  await expect(page.locator(".code-editor .cm-editor")).toHaveCount(await sources.count());
});
