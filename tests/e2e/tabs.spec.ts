import { expect, test } from "@playwright/test";
import { LESSON, addCell, cell, fill, freshNotebook, ready, resultColumn, runCell, watchErrors } from "./helpers.ts";

test("a second tab on the same notebook is read-only, breaks nothing, and can take over", async ({ page, context }) => {
  const errors1 = watchErrors(page);
  await freshNotebook(page);
  await fill(page, cell(page, 0), LESSON.join("\n"));
  await runCell(page, cell(page, 0));
  await expect(cell(page, 0).getByTestId("stream")).toContainText("1 load package(s) were loaded");
  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select name from mydata.load_dict order by id");
  await runCell(page, sql);
  await page.waitForTimeout(600);

  const second = await context.newPage();
  const errors2 = watchErrors(second);
  await second.goto(page.url());
  await expect(second.getByTestId("lock-banner")).toContainText("open in another pipebook tab");
  await expect(second.getByTestId("cell")).toHaveCount(2);
  await expect(second.getByRole("button", { name: "Run all" })).toBeDisabled();

  // The first tab goes on working with its database.
  await runCell(page, sql);
  expect(await resultColumn(sql, 0)).toEqual(["Alice", "Bob"]);
  await expect(page.getByTestId("runtime-status")).toHaveText(/Ready/);

  // The first tab is busy (a slow cell, another queued behind it) when the second takes over.
  const slow = await addCell(page, "code");
  await fill(page, slow, "await new Promise((r) => setTimeout(r, 10_000));");
  const after = await addCell(page, "code");
  await fill(page, after, "1 + 1");
  await page.getByRole("button", { name: "Run all" }).click();
  await expect(slow).toHaveAttribute("data-status", "running");

  // The second tab takes over: the first steps back and starts nothing, the data is intact.
  await second.getByRole("button", { name: "Use it in this tab" }).click();
  await ready(second);
  await expect(second.getByTestId("storage-status")).toHaveText(/stored in this browser/);
  await expect(page.getByTestId("lock-banner")).toBeVisible();
  await expect(page.getByTestId("runtime-status")).toHaveText(/Read-only/);
  await expect(after).not.toHaveAttribute("data-status", "done");
  const sql2 = cell(second, 1);
  await runCell(second, sql2);
  expect(await resultColumn(sql2, 0)).toEqual(["Alice", "Bob"]);

  expect(errors1).toEqual([]);
  expect(errors2).toEqual([]);
});
