// Your own files in and out: a CSV dropped on the page becomes a dlt filesystem source cell,
// loads with merge on a primary key, and the table downloads as Parquet that reads back here.
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { addCell, cell, fill, freshNotebook, resultColumn, runCell, watchErrors } from "./helpers.ts";

async function dropFile(page: Page, name: string, text: string): Promise<void> {
  const dt = await page.evaluateHandle(
    ([name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: "text/csv" }));
      return dt;
    },
    [name, text] as const,
  );
  await page.dispatchEvent("main.cells", "dragover", { dataTransfer: dt });
  await page.dispatchEvent("main.cells", "drop", { dataTransfer: dt });
}

test("a dropped CSV loads with merge on a primary key; the table downloads as Parquet", async ({ page }) => {
  const errors = watchErrors(page);
  await freshNotebook(page);
  await dropFile(page, "orders.csv", 'id,customer,amount,status\n1,"Smith, Ann",12.5,open\n2,Bob,7,open\n');
  await expect(page.getByTestId("file-message")).toContainText("Added orders.csv");
  const src = cell(page, 1);
  await expect(src).toContainText("dlt.sources");
  await expect(src).toContainText('.filesystem({ bucket_url: "opfs://files/", file_glob: "orders.csv" })');
  await expect(src).toContainText(".pipe(dlt.sources.read_csv())");

  await src.getByRole("button", { name: "Load…" }).click();
  const dialog = page.getByRole("dialog", { name: "Load into DuckDB" });
  await dialog.getByLabel("Pipeline name").fill("orders_pipeline");
  await dialog.getByLabel("Dataset name").fill("shop");
  await dialog.getByText("Merge", { exact: true }).click();
  await dialog.getByLabel("Primary key").fill("id");
  await expect(dialog.locator("pre")).toContainText(`await pipeline.run(orders, { write_disposition: "merge", primary_key: "id" });`);
  await dialog.getByRole("button", { name: "Insert and run" }).click();
  const load = cell(page, 2);
  await expect(load).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(load.getByTestId("stream")).toContainText("1 load package(s) were loaded to destination duckdb and into dataset shop");

  // A new version of the same file replaces it; the same cells read it, and merge updates by key.
  await dropFile(page, "orders.csv", "id,customer,amount,status\n2,Bob,7,shipped\n3,Cy,100.25,open\n");
  await expect(page.getByTestId("file-message")).toContainText("Replaced orders.csv");
  await expect(page.getByTestId("cell")).toHaveCount(3);

  // Before loading, the Load dialog's preview says what the merge would do, and changes nothing.
  await src.getByRole("button", { name: "Load…" }).click();
  await dialog.getByLabel("Pipeline name").fill("orders_pipeline");
  await dialog.getByLabel("Dataset name").fill("shop");
  await dialog.getByText("Merge", { exact: true }).click();
  await dialog.getByLabel("Primary key").fill("id");
  await dialog.getByRole("button", { name: "Preview" }).click();
  const preview = dialog.getByRole("region", { name: "Load preview" });
  await expect(preview.locator("tbody tr")).toHaveText(["orders110"], { timeout: 30_000 });
  await expect(preview).toContainText("Nothing was changed");
  await expect(dialog.getByRole("button", { name: "Load now" })).toBeVisible();
  await dialog.screenshot({ path: "test-results/load-preview-1440.png" });
  await page.setViewportSize({ width: 400, height: 860 });
  await dialog.screenshot({ path: "test-results/load-preview-400.png" });
  await page.setViewportSize({ width: 1440, height: 900 });
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await runCell(page, load);
  await expect(load).toHaveAttribute("data-status", "done");

  const sql = await addCell(page, "SQL");
  await fill(page, sql, "select id, customer, amount, status from shop.orders order by id");
  await runCell(page, sql);
  expect(await resultColumn(sql, 0)).toEqual(["1", "2", "3"]);
  expect(await resultColumn(sql, 1)).toEqual(["Smith, Ann", "Bob", "Cy"]);
  expect(await resultColumn(sql, 3)).toEqual(["open", "shipped", "open"]);

  // Download the table from the Data panel as Parquet and read it back with hyparquet.
  await page.getByRole("button", { name: "Refresh" }).click();
  const panel = page.getByTestId("data-panel");
  await panel.getByRole("button", { name: "Download orders" }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("menuitem", { name: /Parquet/ }).click()]);
  expect(download.suggestedFilename()).toBe("orders.parquet");
  const bytes = readFileSync(await download.path());
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const types = Object.fromEntries(parquetMetadata(buf).schema.slice(1).map((s) => [s.name, s.logical_type?.type ?? s.type]));
  expect(types).toMatchObject({ id: "INT64", customer: "STRING", amount: "DOUBLE", status: "STRING", _dlt_load_id: "STRING" });
  const rows = (await parquetReadObjects({ file: buf, columns: ["id", "customer", "amount", "status"] })) as Array<Record<string, unknown>>;
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  expect(rows).toEqual([
    { id: 1n, customer: "Smith, Ann", amount: 12.5, status: "open" },
    { id: 2n, customer: "Bob", amount: 7, status: "shipped" },
    { id: 3n, customer: "Cy", amount: 100.25, status: "open" },
  ]);

  // A SQL result downloads too, as CSV.
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    (async () => {
      await sql.getByRole("button", { name: "Download result" }).click();
      await sql.getByRole("menuitem", { name: /CSV/ }).click();
    })(),
  ]);
  expect(csv.suggestedFilename()).toBe("result.csv");
  expect(readFileSync(await csv.path(), "utf8")).toBe('id,customer,amount,status\n1,"Smith, Ann",12.5,open\n2,Bob,7,shipped\n3,Cy,100.25,open\n');
  expect(errors).toEqual([]);
});
