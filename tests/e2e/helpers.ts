import { expect, type Locator, type Page } from "@playwright/test";

export const LESSON = [
  `const data = [{ id: 1, name: "Alice" }, { id: 2, name: "Bob" }];`,
  `const simple_source = dlt.source(function simple_source() {`,
  `  const load_dict = dlt.resource(function* load_dict() { yield data; });`,
  `  return load_dict;`,
  `});`,
  `const pipeline = dlt.pipeline({ pipeline_name: "simple_pipeline", destination: dlt.destinations.duckdb(), dataset_name: "mydata" });`,
  `const load_info = await pipeline.run(simple_source(), { write_disposition: "replace" });`,
  `console.log(String(load_info));`,
];

/** Collects uncaught page errors: a test asserts the list stays empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

export async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId("runtime-status")).toHaveText(/Ready/, { timeout: 30_000 });
}

/** A fresh, empty notebook (one empty code cell) with the runtime up. */
export async function freshNotebook(page: Page): Promise<void> {
  await page.goto("/");
  await ready(page);
  await page.getByRole("button", { name: "+ New" }).click();
  await expect(page.getByTestId("cell")).toHaveCount(1);
}

export function cell(page: Page, index: number): Locator {
  return page.getByTestId("cell").nth(index);
}

export function editor(c: Locator): Locator {
  return c.locator(".cm-content");
}

/** Puts text into a cell's editor as a paste would (CodeMirror's auto-indent stays out of it). */
export async function fill(page: Page, c: Locator, text: string): Promise<void> {
  await editor(c).click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

/** Adds a cell of the kind after the selected one and returns it (the new cell is selected). */
export async function addCell(page: Page, kind: "code" | "SQL" | "markdown"): Promise<Locator> {
  const before = await page.getByTestId("cell").count();
  await page.getByRole("button", { name: `Add ${kind} cell` }).click();
  await expect(page.getByTestId("cell")).toHaveCount(before + 1);
  const id = await page.locator('[data-testid="cell"]').filter({ has: page.locator(":focus") }).getAttribute("data-cell-id");
  return page.locator(`[data-testid="cell"][data-cell-id="${id}"]`);
}

export async function runCell(page: Page, c: Locator): Promise<void> {
  await editor(c).click();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(c).toHaveAttribute("data-status", /done|error/, { timeout: 30_000 });
}

/** The text of one column of a SQL cell's visible result rows. */
export async function resultColumn(c: Locator, column: number): Promise<string[]> {
  return c.locator(`[data-testid="sql-result"] [role="row"][aria-rowindex] [role="cell"]:nth-child(${column + 2})`).allTextContents();
}
