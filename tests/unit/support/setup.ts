// Every test starts with empty local pipeline state, as dlt's own test suite does: pipelines
// created without `pipelines_dir` keep their state in a fresh scratch directory per test.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach } from "vitest";

beforeEach(() => {
  process.env.PIPEBOOK_PIPELINES_DIR = mkdtempSync(join(tmpdir(), "pipebook-test-"));
});
