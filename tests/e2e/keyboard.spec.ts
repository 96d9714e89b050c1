// Editing like JupyterLab: run keys that move the caret, command mode, undoable deletes, stale
// cells, and the offer to run the cell that defines a missing name.
import { expect, test, type Page } from "@playwright/test";
import { addCell, cell, editor, fill, freshNotebook, runCell, watchErrors } from "./helpers.ts";

async function twoCells(page: Page, first: string, second: string) {
  await freshNotebook(page);
  await fill(page, cell(page, 0), first);
  const c2 = await addCell(page, "code");
  await fill(page, c2, second);
}

test("Shift+Enter from the first of two cells runs it and typing lands in the second", async ({ page }) => {
  const errors = watchErrors(page);
  await twoCells(page, "const a = 20; a", "");
  await editor(cell(page, 0)).click();
  await page.keyboard.press("Shift+Enter");
  await expect(cell(page, 0).getByTestId("value")).toHaveText("20");
  await page.keyboard.insertText("a + 1");
  await expect(editor(cell(page, 1))).toHaveText("a + 1");
  await expect(editor(cell(page, 0))).toHaveText("const a = 20; a");
  // No extra cell: the second one existed. Pressing again runs the second and adds a third at the end.
  await expect(page.getByTestId("cell")).toHaveCount(2);
  await page.keyboard.press("Shift+Enter");
  await expect(cell(page, 1).getByTestId("value")).toHaveText("21");
  await expect(page.getByTestId("cell")).toHaveCount(3);
  await page.keyboard.insertText("a + 2");
  await expect(editor(cell(page, 2))).toHaveText("a + 2");
  // Alt+Enter runs and inserts below; Ctrl+Enter runs in place.
  await page.keyboard.press("Alt+Enter");
  await expect(cell(page, 2).getByTestId("value")).toHaveText("22");
  await expect(page.getByTestId("cell")).toHaveCount(4);
  await page.keyboard.insertText("a * 2");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(cell(page, 3).getByTestId("value")).toHaveText("40");
  await expect(page.getByTestId("cell")).toHaveCount(4);
  expect(errors).toEqual([]);
});

test("command mode: Esc B inserts below, D D deletes, Z and the toast's Undo restore with outputs", async ({ page }) => {
  await twoCells(page, "const b = 5; b * 2", "b + 1");
  await runCell(page, cell(page, 0));
  await runCell(page, cell(page, 1));
  await expect(cell(page, 0).getByTestId("value")).toHaveText("10");

  await editor(cell(page, 0)).click();
  await page.keyboard.press("Escape");
  await expect(cell(page, 0)).toHaveClass(/command/);
  await page.keyboard.press("b");
  await expect(page.getByTestId("cell")).toHaveCount(3);
  await expect(cell(page, 1).locator(".cm-placeholder")).toHaveCount(1);
  await expect(editor(cell(page, 2))).toHaveText("b + 1");
  await expect(cell(page, 1)).toHaveClass(/command/);
  // Up selects the first cell; D D deletes it.
  await page.keyboard.press("ArrowUp");
  await expect(cell(page, 0)).toHaveClass(/command/);
  await page.keyboard.press("d");
  await page.keyboard.press("d");
  await expect(page.getByTestId("cell")).toHaveCount(2);
  await expect(page.getByTestId("undo-toast")).toContainText("Cell deleted");
  await page.keyboard.press("z");
  await expect(page.getByTestId("cell")).toHaveCount(3);
  await expect(editor(cell(page, 0))).toHaveText("const b = 5; b * 2");
  await expect(cell(page, 0).getByTestId("value")).toHaveText("10");

  // The delete button, then the toast's Undo.
  await cell(page, 2).getByRole("button", { name: "Delete cell" }).click();
  await expect(page.getByTestId("cell")).toHaveCount(2);
  await page.getByTestId("undo-toast").getByRole("button", { name: "Undo" }).click();
  await expect(page.getByTestId("cell")).toHaveCount(3);
  await expect(editor(cell(page, 2))).toHaveText("b + 1");
  await expect(cell(page, 2).getByTestId("value")).toHaveText("6");

  // M makes a markdown cell, Y a code cell again; Enter edits.
  await cell(page, 1).click({ position: { x: 20, y: 10 } });
  await page.keyboard.press("m");
  await expect(cell(page, 1)).toHaveAttribute("data-kind", "markdown");
  await page.keyboard.press("y");
  await expect(cell(page, 1)).toHaveAttribute("data-kind", "code");
  await page.keyboard.press("Enter");
  await page.keyboard.insertText("b - 1");
  await expect(editor(cell(page, 1))).toHaveText("b - 1");

  // Undo inside an editor stays in that editor.
  await page.keyboard.press("ControlOrMeta+z");
  await expect(cell(page, 1).locator(".cm-placeholder")).toHaveCount(1);
  await page.keyboard.press("ControlOrMeta+z");
  await expect(editor(cell(page, 0))).toHaveText("const b = 5; b * 2");
  await expect(page.getByTestId("cell")).toHaveCount(3);

  // The keyboard help lists the keys.
  await page.keyboard.press("Escape");
  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcuts")).toContainText("Undo the last cell deletion");
});

test("editing a cell marks its readers stale; Run stale cells runs exactly those", async ({ page }) => {
  await freshNotebook(page);
  await fill(page, cell(page, 0), "const price = 3;");
  const uses = await addCell(page, "code");
  await fill(page, uses, "price * 2");
  const other = await addCell(page, "code");
  await fill(page, other, "const unrelated = 1; unrelated");
  for (const i of [0, 1, 2]) await runCell(page, cell(page, i));
  await expect(cell(page, 1).getByTestId("value")).toHaveText("6");
  await expect(page.locator("[data-stale]")).toHaveCount(0);

  await fill(page, cell(page, 0), "const price = 5;");
  await expect(cell(page, 0)).toHaveAttribute("data-stale", "edited");
  await expect(cell(page, 1)).toHaveAttribute("data-stale", "upstream");
  await expect(cell(page, 1).getByTestId("stale-badge")).toHaveText("Stale");
  await expect(cell(page, 2)).not.toHaveAttribute("data-stale", /.+/);
  const runsBefore = await cell(page, 2).locator(".count").textContent();

  await page.getByRole("button", { name: "Run stale cells" }).click();
  await expect(cell(page, 1).getByTestId("value")).toHaveText("10");
  await expect(page.locator("[data-stale]")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Run stale cells" })).toBeDisabled();
  expect(await cell(page, 2).locator(".count").textContent()).toBe(runsBefore);
});

test("a ReferenceError for a name another cell defines offers to run that cell", async ({ page }) => {
  await twoCells(page, "const people = [{ name: 'Ann' }, { name: 'Ben' }];", "people.length");
  await runCell(page, cell(page, 0));
  await page.getByRole("button", { name: "Restart" }).click();
  await expect(page.getByTestId("runtime-status")).toHaveText(/Ready/, { timeout: 30_000 });
  await runCell(page, cell(page, 1));
  await expect(cell(page, 1).getByTestId("cell-error")).toContainText("people is not defined");
  const offer = cell(page, 1).getByTestId("defined-elsewhere");
  await expect(offer).toContainText("people is defined in cell [1]");
  await offer.getByRole("button", { name: "Run it" }).click();
  await expect(cell(page, 1).getByTestId("value")).toHaveText("2");
  await expect(cell(page, 0)).toHaveAttribute("data-status", "done");
  await expect(offer).toHaveCount(0);
});

test("the notebook list follows the open notebook while it is edited", async ({ page }) => {
  await freshNotebook(page);
  const current = page.getByRole("navigation", { name: "Notebooks" }).locator("li.current");
  await expect(current).toContainText("1 cell");
  await page.getByLabel("Notebook title").fill("Live title");
  await expect(current).toContainText("Live title");
  await addCell(page, "code");
  await expect(current).toContainText("2 cells");
  await page.keyboard.press("Escape");
  await page.keyboard.press("a");
  await expect(current).toContainText("3 cells");
});
