import { expect, test } from "@playwright/test";
import { addCell, cell, fill, freshNotebook, ready, resultColumn, runCell } from "./helpers.ts";

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

test("Stop in the middle of a load leaves the database consistent, also after a reload", async ({ page }) => {
  test.setTimeout(120_000);
  await freshNotebook(page);
  const first = cell(page, 0);
  await fill(
    page,
    first,
    [
      `const pipeline = dlt.pipeline({ pipeline_name: "consistent", destination: dlt.destinations.duckdb(), dataset_name: "cons" });`,
      `const orders = (n: number, from = 0) => dlt.resource(function* orders() {`,
      `  for (let i = from; i < from + n; i++) yield { id: i, items: [{ sku: "a" }, { sku: "b" }] };`,
      `}, { name: "orders" });`,
      `await pipeline.run(orders(2), { write_disposition: "replace" });`,
    ].join("\n"),
  );
  await runCell(page, first);
  await expect(first).toHaveAttribute("data-status", "done");

  const big = await addCell(page, "code");
  await fill(page, big, `await pipeline.run(orders(100000, 10), { write_disposition: "append" });`);
  await big.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+Enter");
  // Stop once it writes (the first table's job is in, the second's under way), or as soon as we can.
  await expect(big.getByTestId("progress").locator("li", { hasText: "Loading" })).toHaveClass(/now/, { timeout: 60_000 }).catch(() => undefined);
  await page.getByRole("button", { name: "Stop", exact: true }).click().catch(() => undefined);
  await expect(big).toHaveAttribute("data-status", /stopped|done/);
  await ready(page);

  const check = await addCell(page, "SQL");
  await fill(page, check, "select (select count(*) from cons.orders) as orders, (select count(*) from cons.orders__items) as items");
  const counts = async () => {
    await runCell(page, check);
    return [...(await resultColumn(check, 0)), ...(await resultColumn(check, 1))];
  };
  // all of the load or none of it, never a part
  const before = await counts();
  expect([["2", "4"], ["100002", "200004"]]).toContainEqual(before);

  await page.reload();
  await ready(page);
  const again = page.locator('[data-testid="cell"][data-kind="sql"]').last();
  await runCell(page, again);
  expect([...(await resultColumn(again, 0)), ...(await resultColumn(again, 1))]).toEqual(before);
});
