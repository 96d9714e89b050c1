import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { addCell, cell, editor, fill, freshNotebook, ready, runCell } from "./helpers.ts";

const notebookItems = (page: Page) => page.getByRole("navigation", { name: "Notebooks" }).getByRole("listitem");
const cellTexts = (page: Page) => page.locator('[data-testid="cell"]').evaluateAll((cells) => cells.map((c) => c.getAttribute("data-kind")));

test("download → open gives the same cells, in another browser profile too, and runs there", async ({ page, browser }) => {
  await freshNotebook(page);
  await page.getByLabel("Notebook title").fill("Round trip");
  await fill(page, cell(page, 0), `const rows = [{ id: 1, city: "Oslo" }, { id: 2, city: "Lima" }];\nrows.length`);
  await runCell(page, cell(page, 0));
  await expect(cell(page, 0).getByTestId("value")).toHaveText("2");
  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select 40 + 2 as answer");
  await runCell(page, sql);
  const md = await addCell(page, "markdown");
  await fill(page, md, "## Notes\n\nA *markdown* cell.");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download .ipynb" }).click()]);
  expect(download.suggestedFilename()).toBe("Round trip.ipynb");
  const text = readFileSync(await download.path());
  const doc = JSON.parse(text.toString("utf8"));
  expect(doc.nbformat).toBe(4);
  expect(doc.cells.map((c: any) => [c.cell_type, c.metadata.pipebook?.kind])).toEqual([["code", "code"], ["code", "sql"], ["markdown", undefined]]);
  expect(doc.cells[1].outputs[0].data["text/html"].join("")).toContain("<td>42</td>");

  // Another profile: nothing in its IndexedDB or OPFS.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto("/");
  await ready(page2);
  const before = await notebookItems(page2).count();
  await page2.getByTestId("file-input").setInputFiles({ name: "Round trip.ipynb", mimeType: "application/x-ipynb+json", buffer: text });
  await expect(page2.getByTestId("file-message")).toContainText('Opened "Round trip"');
  await expect(page2.getByTestId("file-message")).toContainText("Nothing has run yet");
  await expect(notebookItems(page2)).toHaveCount(before + 1);
  await expect(page2.getByLabel("Notebook title")).toHaveValue("Round trip");
  expect(await cellTexts(page2)).toEqual(["code", "sql", "markdown"]);
  await expect(editor(cell(page2, 0))).toContainText('const rows = [{ id: 1, city: "Oslo" }');
  await expect(editor(cell(page2, 1))).toContainText("select 40 + 2 as answer");
  await expect(cell(page2, 2)).toContainText("A markdown cell.");
  // Opening ran nothing: the saved outputs are shown, but no cell has run in this runtime.
  await expect(cell(page2, 0)).not.toHaveAttribute("data-status", "done");
  await page2.getByRole("button", { name: "Run all" }).click();
  await expect(cell(page2, 0).getByTestId("value")).toHaveText("2");
  await expect(cell(page2, 1).getByTestId("sql-result")).toContainText("42");
  await other.close();
});

test("a file that is not a notebook gets a clear message and changes nothing", async ({ page }) => {
  await freshNotebook(page);
  await fill(page, cell(page, 0), "1 + 1");
  const before = await notebookItems(page).count();
  const title = await page.getByLabel("Notebook title").inputValue();
  await page.getByTestId("file-input").setInputFiles({ name: "broken.ipynb", mimeType: "application/json", buffer: Buffer.from('{"nbformat": 4, "cells": [ {"cell_type": "code", "source": ') });
  await expect(page.getByTestId("file-message")).toContainText("broken.ipynb: Not a notebook file: it is not valid JSON");
  await expect(page.getByTestId("file-message")).toContainText("Nothing was changed");
  await page.getByTestId("file-input").setInputFiles({ name: "old.ipynb", mimeType: "application/json", buffer: Buffer.from('{"nbformat": 3, "worksheets": []}') });
  await expect(page.getByTestId("file-message")).toContainText("old.ipynb: Unsupported notebook format 3");
  await expect(notebookItems(page)).toHaveCount(before);
  await expect(page.getByLabel("Notebook title")).toHaveValue(title);
  await expect(editor(cell(page, 0))).toHaveText("1 + 1");
});

test("markdown with script in an opened file runs no script", async ({ page }) => {
  await freshNotebook(page);
  const evil = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { pipebook: { title: "Evil" } },
    cells: [
      { cell_type: "markdown", id: "m1", metadata: {}, source: ['<img src=x onerror="window.__pwned=1">\n', "\n", "<script>window.__pwned=2</script>\n", "\n", "[link](javascript:window.__pwned=3)\n", "\n", "# Still readable"] },
      { cell_type: "code", id: "c1", metadata: {}, execution_count: null, outputs: [], source: ["window.__pwned = 4"] },
    ],
  };
  await page.getByTestId("file-input").setInputFiles({ name: "evil.ipynb", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(evil)) });
  await expect(page.getByTestId("file-message")).toContainText('Opened "Evil"');
  await expect(cell(page, 0).getByRole("heading", { name: "Still readable" })).toBeVisible();
  const hrefs = await cell(page, 0).locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  expect(hrefs.filter((h) => /^\s*javascript:/i.test(h))).toEqual([]);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(await cell(page, 0).locator("img[onerror], script").count()).toBe(0);
});

test("a dropped file opens; ?notebook= opens a same-origin file and refuses others", async ({ page }) => {
  await freshNotebook(page);
  const file = readFileSync("public/notebooks/rest-api-demo.ipynb", "utf8");
  const dt = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], "dropped.ipynb", { type: "application/json" }));
    return dt;
  }, file);
  await page.dispatchEvent("main.cells", "dragover", { dataTransfer: dt });
  await page.dispatchEvent("main.cells", "drop", { dataTransfer: dt });
  await expect(page.getByTestId("file-message")).toContainText('Opened "A REST API in one config" from dropped.ipynb');

  const droppedUrl = page.url();
  const count = await page.getByRole("navigation", { name: "Notebooks" }).getByRole("listitem").count();
  // The same file again: no second copy unless asked for.
  await page.goto("/?notebook=/notebooks/rest-api-demo.ipynb");
  await ready(page);
  const already = page.getByRole("dialog", { name: "Already here" });
  await expect(already).toContainText('"A REST API in one config" in your notebooks has the same cells');
  await already.getByRole("button", { name: "Switch to it" }).click();
  await expect(page).toHaveURL(droppedUrl);
  await expect(page.getByRole("navigation", { name: "Notebooks" }).getByRole("listitem")).toHaveCount(count);
  await expect(page).not.toHaveURL(/notebook=/);
  expect(await cellTexts(page)).toEqual(["markdown", "code", "sql"]);
  // It runs against the demo API the app serves itself.
  await page.getByRole("button", { name: "Run all" }).click();
  await expect(cell(page, 1).getByTestId("stream")).toContainText("1 load package(s) were loaded", { timeout: 30_000 });
  await expect(cell(page, 2).getByTestId("sql-result")).toContainText("rows");

  await page.goto("/?notebook=http://example.com/x.ipynb");
  await ready(page);
  await expect(page.getByTestId("file-message")).toContainText("opens files from http://127.0.0.1");
  await expect(page.getByTestId("file-message")).toContainText("Nothing was changed");
});

test("?notebook= for a missing file says not found (404), not a parse error", async ({ page }) => {
  await page.goto("/?notebook=/notebooks/missing.ipynb");
  await ready(page);
  await expect(page.getByTestId("file-message")).toContainText("Could not open /notebooks/missing.ipynb: not found (404).");
  await expect(page.getByTestId("file-message")).not.toContainText("JSON");
  await expect(page.getByTestId("cell").first()).toBeVisible();
});

test("a share link carries the notebook and opens as a copy", async ({ page, browser }) => {
  await freshNotebook(page);
  await page.getByLabel("Notebook title").fill("Shared one");
  await fill(page, cell(page, 0), "const greeting = 'hello from a link';\ngreeting");
  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select 7 as seven");
  await page.getByRole("button", { name: "Share link" }).click();
  const url = await page.getByLabel("Share link").inputValue();
  expect(url).toMatch(/#share=[\w-]+$/);

  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto(url);
  await ready(page2);
  await expect(page2.getByTestId("file-message")).toContainText('Opened "Shared one" from a share link');
  await expect(page2).not.toHaveURL(/share=/);
  await expect(editor(cell(page2, 0))).toContainText("const greeting = 'hello from a link';");
  await expect(editor(cell(page2, 1))).toContainText("select 7 as seven");
  await other.close();
});

test("a file with malformed outputs opens with them left out, says so, and still reloads and downloads", async ({ page }) => {
  await freshNotebook(page);
  const doc = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { pipebook: { title: "Broken outputs" } },
    cells: [
      {
        cell_type: "code",
        id: "c1",
        metadata: { pipebook: { kind: "sql" } },
        source: "select 1 as one",
        outputs: [
          { output_type: "stream", name: "stdout", text: ["kept\n"] },
          { output_type: "execute_result", metadata: {}, data: { "text/plain": ["x"], "application/vnd.pipebook.result+json": { id: "r", head: "nope" } } },
        ],
      },
    ],
  };
  await page.getByTestId("file-input").setInputFiles({ name: "broken-outputs.ipynb", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doc)) });
  const message = page.getByTestId("file-message");
  await expect(message).toContainText('Opened "Broken outputs"');
  await expect(message).toContainText("Cell 1, output 2: dropped because its query result (`application/vnd.pipebook.result+json`) is malformed");
  await expect(cell(page, 0)).toContainText("kept");
  // Autosaved: the notebook comes back after a reload; Download writes it without the bad output.
  await page.reload();
  await ready(page);
  await expect(page.getByLabel("Notebook title")).toHaveValue("Broken outputs");
  await expect(cell(page, 0)).toContainText("kept");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download .ipynb" }).click()]);
  const saved = JSON.parse(readFileSync(await download.path()).toString("utf8"));
  expect(saved.cells[0].outputs.map((o: any) => o.output_type)).toEqual(["stream"]);
});
