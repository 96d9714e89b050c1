// "Run headless…": the dialog's command, copied and run for real on the file its button downloads.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { cell, ready, watchErrors } from "./helpers.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The words of a shell command line with double-quoted or single-quoted parts (what the dialog shows). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/pipebook.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("Run headless… shows the command, copies it, downloads the notebook it names, and the command runs it", async ({ page, context }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/?notebook=/notebooks/incremental-orders.ipynb");
  await ready(page);
  await expect(page.getByLabel("Notebook title")).toHaveValue("Incremental orders");
  // The sample runs in the browser as it does headless.
  await page.getByRole("button", { name: "Run all" }).click();
  const last = cell(page, 7);
  await expect(last).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  await expect(last).toContainText("the cursor is the newest order's updated_at");

  await page.getByRole("button", { name: "Run headless…" }).click();
  const dialog = page.getByRole("dialog", { name: "Run headless" });
  await expect(dialog).toBeVisible();
  const command = dialog.getByTestId("headless-command");
  await expect(command).toHaveText(`npx pipebook run "Incremental orders.ipynb" --destination ./incremental-orders.duckdb`);

  await dialog.getByRole("button", { name: "Copy command" }).click();
  await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await command.textContent());

  const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Download Incremental orders.ipynb" }).click()]);
  expect(download.suggestedFilename()).toBe("Incremental orders.ipynb");
  const dir = mkdtempSync(path.join(tmpdir(), "pipebook-headless-"));
  copyFileSync(await download.path(), path.join(dir, download.suggestedFilename()));

  // The copied command, as a person would run it in a checkout (npx pipebook = bin/pipebook.js).
  const [npx, name, sub, file, flag, destination] = words(copied);
  expect([npx, name, sub, flag]).toEqual(["npx", "pipebook", "run", "--destination"]);
  // Until native DuckDB files land on this build, DuckDB-WASM in Node can't write the file.
  const native = await import(/* @vite-ignore */ "@duckdb/node-api".toString()).then(() => true, () => false);
  const r = await run(["run", file, "--destination", native ? destination : ":memory:", "--pipelines-dir", path.join(dir, "state")], dir);
  expect(r.stderr).not.toContain("✗");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("✓ every order through 2024-12-31 is loaded: 1000");
  expect(r.stdout).toContain("✓ 6 cells ran in");

  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  expect(errors).toEqual([]);
});
