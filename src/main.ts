import { startRuntimeWorker } from "./app/early_worker.ts";
import "./app/styles.css";

// DuckDB starts compiling in the runtime worker while the app's own code loads.
startRuntimeWorker();
void Promise.all([import("svelte"), import("./app/App.svelte")]).then(([{ mount }, { default: App }]) =>
  mount(App, { target: document.getElementById("app")! }),
);
