// The notebook at phone, tablet and laptop widths: nothing scrolls sideways, every action is
// reachable, panels are drawers on narrow windows. Screenshots land in test-results/.
import { expect, test, type Page } from "@playwright/test";
import { editor, fill, ready, runCell } from "./helpers.ts";

async function noSidewaysScroll(page: Page, width: number) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(w).toBeLessThanOrEqual(width);
}

for (const width of [400, 768, 1280]) {
  test(`at ${width} px the notebook fits and every toolbar action is reachable`, async ({ page }) => {
    await page.setViewportSize({ width, height: 860 });
    await page.goto("/");
    await ready(page);
    await expect(page.getByTestId("cell").first()).toBeVisible();
    // On a laptop the header is one row, before and after the runtime says where the data is:
    // the page does not move down when it does.
    if (width >= 1280) expect((await page.locator("header.appbar").boundingBox())!.height).toBeLessThanOrEqual(54);
    // The walkthrough's first code cell, run, so outputs are in the picture.
    const first = page.locator('[data-testid="cell"][data-kind="code"]').first();
    await editor(first).click();
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(first).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await first.scrollIntoViewIfNeeded();
    await noSidewaysScroll(page, width);
    await page.screenshot({ path: `test-results/layout-${width}.png` });
    await first.getByTestId("load-summary").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/layout-${width}-output.png` });
    await noSidewaysScroll(page, width);

    const toolbar = page.getByRole("toolbar", { name: "Notebook actions" });
    for (const b of await toolbar.getByRole("button").all()) {
      if (!(await b.isVisible())) continue;
      const box = (await b.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      if (width <= 760) expect(box.height).toBeGreaterThanOrEqual(32);
    }
    // Each action is in the toolbar, or (narrow windows) in its "More actions" menu.
    const more = toolbar.getByRole("button", { name: "More actions" });
    for (const name of ["Run all", "Run stale cells", "Stop", "Restart", "Clear outputs", "Add code cell", "Add SQL cell", "Add markdown cell", "Keyboard shortcuts"]) {
      if (await toolbar.getByRole("button", { name, exact: true }).isVisible()) continue;
      expect(width, `${name} is only in the menu on narrow windows`).toBeLessThanOrEqual(760);
      if ((await more.getAttribute("aria-expanded")) !== "true") await more.click();
      const item = page.getByRole("menu", { name: "More actions" }).getByRole("menuitem", { name, exact: true });
      await expect(item).toBeVisible();
      const box = (await item.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    }
    if ((await more.isVisible()) && (await more.getAttribute("aria-expanded")) === "true") {
      await page.screenshot({ path: `test-results/layout-${width}-menu.png` });
      // The menu's actions work: + SQL from it adds a SQL cell.
      const sqlCells = page.locator('[data-testid="cell"][data-kind="sql"]');
      const before = await sqlCells.count();
      await page.getByRole("menuitem", { name: "Add SQL cell" }).click();
      await expect(sqlCells).toHaveCount(before + 1);
      await expect(page.getByRole("menu", { name: "More actions" })).toHaveCount(0);
    }

    const list = page.getByRole("navigation", { name: "Notebooks" });
    if (width <= 760) {
      await expect(list).toBeHidden();
      await toolbar.getByRole("button", { name: "Notebooks", exact: true }).click();
      await expect(list).toBeVisible();
      await page.screenshot({ path: `test-results/layout-${width}-notebooks.png` });
      // Tapping beside the drawer closes it.
      await page.getByRole("button", { name: "Close the side panel" }).click({ position: { x: width - 30, y: 200 } });
      await expect(list).toBeHidden();
    } else await expect(list).toBeVisible();

    const data = page.getByRole("tab", { name: "Data" });
    if (width <= 1100) {
      await expect(data).toBeHidden();
      await toolbar.getByRole("button", { name: "Data & pipelines" }).click();
      await expect(page.getByTestId("data-panel")).toBeVisible();
      await page.screenshot({ path: `test-results/layout-${width}-data.png` });
      await page.keyboard.press("Escape");
      await expect(page.getByTestId("data-panel")).toBeHidden();
    } else await expect(page.getByTestId("data-panel")).toBeVisible();

    // Command mode at this width too: Esc, then the help.
    await editor(first).click();
    await page.keyboard.press("Escape");
    await page.keyboard.press("?");
    await expect(page.getByTestId("shortcuts")).toBeVisible();
    await page.screenshot({ path: `test-results/layout-${width}-keys.png` });
    await noSidewaysScroll(page, width);
    await page.keyboard.press("Escape");

    // A SQL result's bar: the Table/Chart switch and Download are whole, not cut by their neighbours.
    const sql = page.locator('[data-testid="cell"][data-kind="sql"]').first();
    await fill(page, sql, "select range as id, 'row ' || range as label from range(100000)");
    await runCell(page, sql);
    const result = sql.getByTestId("sql-result");
    const within = result.getByRole("group", { name: "Result view" });
    const outer = (await within.boundingBox())!;
    for (const b of [within.getByRole("button", { name: "Table" }), within.getByRole("button", { name: "Chart" })]) {
      const box = (await b.boundingBox())!;
      expect(box.x + box.width, `${await b.textContent()} is cut off at ${width} px`).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
    }
    const resultBox = (await result.boundingBox())!;
    const download = (await result.getByRole("button", { name: /Download/ }).boundingBox())!;
    expect(download.x + download.width).toBeLessThanOrEqual(resultBox.x + resultBox.width + 0.5);
    await result.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/layout-${width}-result.png` });
    await noSidewaysScroll(page, width);
  });
}
