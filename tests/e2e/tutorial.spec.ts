import { expect, test } from "@playwright/test";
import { TUTORIAL_STEPS, tutorialNotebook } from "../../src/notebook/tutorial.ts";
import { ready, watchErrors } from "./helpers.ts";

// The checks the walkthrough's cells make, in order, read from the notebook itself.
const expectedChecks = tutorialNotebook()
  .cells.filter((c) => c.kind === "code")
  .flatMap((c) => [...c.source.matchAll(/check\([\s\S]*?, "([^"]+)"\);/g)].map((m) => m[1]));

test("a first visit lands in the walkthrough, and Run all passes every step's check, offline", async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  // No request may leave the machine: the demo API is served by the app itself.
  const outside: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("http://127.0.0.1:")) outside.push(r.url());
  });
  await page.goto("/");
  await ready(page);
  await expect(page.getByLabel("Notebook title")).toHaveValue("Learn dlt: the basics");
  for (let k = 1; k <= TUTORIAL_STEPS; k++) await expect(page.getByRole("heading", { name: new RegExp(`^Step ${k} of ${TUTORIAL_STEPS}`) })).toBeVisible();

  await page.getByRole("button", { name: "Run all" }).click();
  const lastCode = page.locator('[data-testid="cell"][data-kind="code"]').last();
  await expect(lastCode).toHaveAttribute("data-status", /done|error|stopped/, { timeout: 150_000 });
  await expect(page.getByTestId("cell-error")).toHaveCount(0);
  expect(await page.getByTestId("check").allTextContents()).toEqual(expectedChecks.map((c) => `✓ ${c}`));
  await expect(page.locator('[data-testid="cell"][data-kind="sql"] [data-testid="sql-result"]').first()).toContainText("_dlt_load_id");
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
});
