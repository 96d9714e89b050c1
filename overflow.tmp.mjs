import { chromium } from "@playwright/test";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
for (const width of [400, 768]) {
  const ctx = await b.newContext({ viewport: { width, height: 860 } });
  const p = await ctx.newPage();
  await p.goto("http://127.0.0.1:4174/");
  await p.getByTestId("runtime-status").filter({ hasText: "Ready" }).waitFor({ timeout: 30000 });
  const first = p.locator('[data-testid="cell"][data-kind="code"]').first();
  await first.locator(".cm-content").click();
  await p.keyboard.press("Control+Enter");
  await p.locator('[data-testid="cell"][data-kind="code"][data-status="done"]').first().waitFor({ timeout: 30000 });
  await p.waitForTimeout(500);
  const out = await p.evaluate((w) => {
    const res = [];
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.right > w + 1 && r.width > 0) res.push(`${el.tagName}.${[...el.classList].join(".")} right=${Math.round(r.right)} w=${Math.round(r.width)}`);
    }
    return [document.documentElement.scrollWidth, ...res.slice(0, 25)];
  }, width);
  console.log(width, out.join("\n  "));
  await ctx.close();
}
await b.close();
