import { defineConfig } from "@playwright/test";

// Debian's Chromium by default (Playwright can't download browsers here);
// PIPEBOOK_CHROMIUM=playwright uses Playwright's own build, any other value is a path.
const chromium = process.env.PIPEBOOK_CHROMIUM ?? "/usr/bin/chromium";
// PIPEBOOK_E2E_PORT lets two checkouts run their browser tests side by side.
const port = Number(process.env.PIPEBOOK_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // Every test shares one origin (one OPFS file, one IndexedDB): one worker keeps them apart.
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      ...(chromium === "playwright" ? {} : { executablePath: chromium }),
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
