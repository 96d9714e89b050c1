import { expect, test } from "@playwright/test";
import { addCell, cell, fill, freshNotebook } from "./helpers.ts";

test("a markdown cell renders but runs no script", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await freshNotebook(page);
  const md = await addCell(page, "markdown");
  await fill(
    page,
    md,
    [
      "# Safe heading",
      "",
      `<img src=x onerror="window.__pwned = 'img'; alert('img')">`,
      "",
      `<script>window.__pwned = 'script'</script>`,
      "",
      `[click me](javascript:window.__pwned='link')`,
      "",
      `<svg><animate onbegin="window.__pwned='svg'" attributeName="x" dur="1s"/></svg>`,
    ].join("\n"),
  );
  await page.keyboard.press("ControlOrMeta+Enter");
  const rendered = md.getByTestId("markdown");
  await expect(rendered.getByRole("heading", { name: "Safe heading" })).toBeVisible();
  await expect(rendered.locator("img")).toHaveCount(1);
  expect(await rendered.locator("img").getAttribute("onerror")).toBeNull();
  await expect(rendered.locator("script")).toHaveCount(0);
  const href = await rendered.getByText("click me").getAttribute("href");
  expect(href ?? "").not.toContain("javascript:");
  await rendered.getByText("click me").click();
  await page.waitForTimeout(500); // give an onerror handler every chance to fire
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await expect(cell(page, 0)).toBeVisible();
});
