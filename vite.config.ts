import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  // DuckDB-WASM ships its own workers and wasm; pre-bundling breaks their URLs in dev.
  // The worker's modules are scanned at start too: found only when a first visit loads them, their
  // dependencies would be optimized then, and the dev server would reload the page mid-run.
  optimizeDeps: { exclude: ["@duckdb/duckdb-wasm"], entries: ["index.html", "src/worker/runtime.worker.ts", "src/worker/runtime.ts"] },
  worker: { format: "es" },
  // dlt's errors print their class names (`<class 'PipelineStepFailed'>`): minifying must keep them.
  esbuild: { keepNames: true },
  // `vite build --mode bench`: the bare DuckDB-WASM page npm run bench:ui compares the app with,
  // built on its own into dist-bench (never part of the app's bundle).
  ...(mode === "bench" ? { publicDir: false as const } : {}),
  build: {
    target: "es2022",
    // the wasm files are big by nature; the warning says nothing useful
    chunkSizeWarningLimit: 4000,
    ...(mode === "bench" ? { outDir: "dist-bench", rollupOptions: { input: "bench/bare.html" } } : {}),
  },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 4173 },
}));
