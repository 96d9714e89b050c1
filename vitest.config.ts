import { transform } from "esbuild";
import { defineConfig, type Plugin } from "vitest/config";

// Resources and sources are named after their functions, as in dlt. Vite's own TypeScript
// transform forces esbuild's keepNames off, and esbuild then renames a function expression that
// shadows an outer name (`const users = () => dlt.resource(function* users() {...})` yields a
// resource called "users2"). Transform TypeScript here with keepNames instead.
const keepNames: Plugin = {
  name: "pipebook:keep-names",
  enforce: "pre",
  async transform(code, id) {
    const file = id.split("?")[0];
    if (!file.endsWith(".ts") || file.includes("/node_modules/")) return null;
    const out = await transform(code, { loader: "ts", format: "esm", target: "es2022", keepNames: true, sourcemap: true, sourcefile: file });
    return { code: out.code, map: out.map };
  },
};

export default defineConfig({
  plugins: [keepNames],
  esbuild: false,
  test: {
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
    // Pipelines' local state goes to a fresh scratch directory per test, not into the repository.
    setupFiles: ["tests/unit/support/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
