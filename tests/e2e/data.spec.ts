import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { LESSON, addCell, cell, fill, freshNotebook, ready, resultColumn, runCell } from "./helpers.ts";

test("Reset deletes a pipeline's dataset and state after a confirmation", async ({ page }) => {
  await freshNotebook(page);
  await fill(page, cell(page, 0), LESSON.join("\n"));
  await runCell(page, cell(page, 0));

  // Data panel: dataset → table with its row count → columns with dlt types → preview.
  const data = page.getByTestId("data-panel");
  await expect(data).toContainText("mydata");
  await data.getByRole("button", { name: "Show columns of load_dict" }).click();
  await expect(data).toContainText("name");
  await expect(data).toContainText("text");
  await data.getByRole("button", { name: "load_dict", exact: true }).click();
  const preview = page.getByRole("dialog", { name: "mydata.load_dict" });
  await expect(preview.getByRole("cell", { name: "Alice" })).toBeVisible();
  await expect(preview.getByRole("cell", { name: "Bob" })).toBeVisible();
  await preview.getByRole("button", { name: "Close" }).click();

  await page.getByRole("tab", { name: "Pipelines" }).click();
  const panel = page.getByTestId("pipelines-panel");
  await expect(panel).toContainText("simple_pipeline");
  await expect(panel).toContainText("mydata");

  await panel.getByRole("button", { name: "Reset…" }).click();
  const dialog = page.getByRole("dialog", { name: "Reset pipeline simple_pipeline" });
  await expect(dialog).toContainText("mydata.load_dict (2 rows)");
  // Cancel keeps everything.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(panel).toContainText("simple_pipeline");

  await panel.getByRole("button", { name: "Reset…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(panel).toContainText("No pipeline has loaded into this database yet.");

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select count(*) as n from information_schema.schemata where schema_name = 'mydata'");
  await runCell(page, sql);
  expect(await resultColumn(sql, 0)).toEqual(["0"]);
});

test("without OPFS the database is in memory and the page says so", async ({ page }) => {
  await page.goto("/?storage=memory");
  await ready(page);
  await expect(page.getByTestId("storage-status")).toHaveText(/in memory, lost on reload/);
  await expect(page.getByTestId("memory-banner")).toContainText("Data is kept in memory");
  await page.getByRole("button", { name: "+ New" }).click();
  await fill(page, cell(page, 0), LESSON.join("\n"));
  await runCell(page, cell(page, 0));
  await expect(cell(page, 0).getByTestId("stream")).toContainText("duckdb:///:memory:");
});

test("a SQL cell pages through a million rows and charts a result", async ({ page }) => {
  await freshNotebook(page);
  await page.getByRole("button", { name: "Add SQL cell" }).click();
  const sql = cell(page, 1);
  await fill(page, sql, "select range as id, range % 10 as bucket from range(1000000)");
  await runCell(page, sql);
  await expect(sql.getByTestId("sql-result")).toContainText("1,000,000 rows");
  // Only a window of rows is in the page, whatever the result's size.
  const shown = await sql.locator('[role="row"][aria-rowindex]').count();
  expect(shown).toBeLessThan(60);
  await sql.locator(".grid").evaluate((e) => (e.scrollTop = e.scrollHeight));
  await expect(sql.locator('[role="row"][aria-rowindex="1000000"] [role="cell"]').first()).toHaveText("999999");

  // While the rest is still being read, the first rows are there to see (not placeholders).
  await fill(page, sql, "select range as id, 'row ' || range as label from range(3000000)");
  await page.keyboard.press("ControlOrMeta+Enter");
  await page.waitForFunction(
    () => {
      const cell = document.querySelector('[data-testid="sql-result"] [role="row"][aria-rowindex="1"] [role="cell"]');
      return !!document.querySelector('[data-testid="result-streaming"]') && cell?.textContent === "0";
    },
    undefined,
    { polling: "raf", timeout: 30_000 },
  );
  await expect(sql).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(sql.getByTestId("sql-result")).toContainText("3,000,000 rows");

  // Rows stream in; a failure after the first ones are shown replaces them with the error.
  await fill(page, sql, "select case when range = 900000 then error('broke at 900000') else range end as id from range(1000000)");
  await runCell(page, sql);
  await expect(sql.getByText("Invalid Input Error: broke at 900000")).toBeVisible();
  await expect(sql.getByTestId("sql-result")).toHaveCount(0);

  await fill(page, sql, "select bucket, count(*) as n from range(1000) t(i), (select i % 4 as bucket) group by 1 order by 1");
  await runCell(page, sql);
  await sql.getByRole("button", { name: "Chart" }).click();
  await expect(sql.locator(".uplot")).toBeVisible();
  await expect(sql.locator(".uplot canvas")).toHaveCount(1);
});

test("a streamed result downloads every value exactly, across its batches", async ({ page }) => {
  await freshNotebook(page);
  await page.getByRole("button", { name: "Add SQL cell" }).click();
  const sql = cell(page, 1);
  // Past 2^53, cents, microseconds, quotes: what a JS number or a Date would change.
  await fill(
    page,
    sql,
    "select range as id, range + 9007199254740993 as big, (range * 1.25)::DECIMAL(18,2) as amount, " +
      "TIMESTAMP '2024-01-01 00:00:00.000001' + to_microseconds(range) as at, '{\"k\":' || range || '}' as doc from range(5000)",
  );
  await runCell(page, sql);
  await expect(sql.getByTestId("sql-result")).toContainText("5,000 rows");
  const download = async (label: RegExp) => {
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      (async () => {
        await sql.getByRole("button", { name: "Download result" }).click();
        await sql.getByRole("menuitem", { name: label }).click();
      })(),
    ]);
    return readFileSync(await file.path(), "utf8").trimEnd().split("\n");
  };
  const expected = Array.from({ length: 5000 }, (_, i) => {
    const cents = i * 125;
    return {
      id: String(i),
      big: String(9007199254740993n + BigInt(i)),
      amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
      // a naive TIMESTAMP stays naive: no offset is added
      at: `2024-01-01T00:00:00.${String(i + 1).padStart(6, "0")}`,
      doc: `{"k":${i}}`,
    };
  });
  const csv = await download(/CSV/);
  expect(csv[0]).toBe("id,big,amount,at,doc");
  expect(csv.slice(1)).toEqual(expected.map((e) => `${e.id},${e.big},${e.amount},${e.at},"${e.doc.replaceAll('"', '""')}"`));
  // JSON Lines keeps the big integers as JSON numbers with every digit, and decimals as text.
  const jsonl = await download(/JSON Lines/);
  expect(jsonl).toEqual(expected.map((e) => `{"id":${e.id},"big":${e.big},"amount":"${e.amount}","at":"${e.at}","doc":${JSON.stringify(e.doc)}}`));
});
