import { expect, test } from "@playwright/test";
import { addCell, cell, fill, freshNotebook, ready, runCell } from "./helpers.ts";

test("Stop ends an endless loop, the page stays responsive, and the next cell runs", async ({ page }) => {
  await freshNotebook(page);
  const loop = cell(page, 0);
  await fill(page, loop, "let n = 0;\nwhile (true) { n++; }");
  const next = await addCell(page, "code");
  await fill(page, next, "40 + 2");

  await page.getByRole("button", { name: "Run all" }).click();
  await expect(loop).toHaveAttribute("data-status", "running");
  await expect(next).toHaveAttribute("data-status", "queued");

  // The loop spins in the worker: the page still paints frames.
  const frames = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        const end = performance.now() + 500;
        const tick = () => (performance.now() < end ? (n++, requestAnimationFrame(tick)) : resolve(n));
        requestAnimationFrame(tick);
      }),
  );
  expect(frames).toBeGreaterThan(5);

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(loop).toHaveAttribute("data-status", "stopped");
  await expect(loop).toContainText("Stopped");
  // The cell queued behind the loop runs in the restarted runtime.
  await expect(next).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(next.getByTestId("value")).toHaveText("42");
  await ready(page);

  // and cells run as usual afterwards
  await fill(page, next, "6 * 7");
  await runCell(page, next);
  await expect(next.getByTestId("value")).toHaveText("42");
});
