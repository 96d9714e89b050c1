#!/usr/bin/env node
// `pipebook` from a checkout (`npx pipebook run notebook.ipynb`): runs the TypeScript entry
// through tsx, so there is no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
