// `pipebook` on the command line (bin/pipebook.js runs this file through tsx).
import { NotebookFileError } from "../notebook/ipynb.ts";
import { parseCommandLine, USAGE, UsageError } from "./args.ts";
import { DestinationError, parseTarget } from "./destination.ts";
import { readNotebook, runNotebook } from "./run.ts";
import { TerminalReporter } from "./terminal.ts";

/** Runs the command; returns the exit code (0 passed, 1 a cell failed, 2 bad arguments or file). */
export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`pipebook: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.command === "help") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  try {
    const nb = await readNotebook(args.notebook);
    const target = parseTarget(args.destination, args.notebook);
    if (args.json) {
      const doc = await runNotebook(args.notebook, nb, target, args);
      process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
      return doc.ok ? 0 : 1;
    }
    const reporter = new TerminalReporter();
    const doc = await runNotebook(args.notebook, nb, target, args, reporter);
    reporter.finish(doc);
    return doc.ok ? 0 : 1;
  } catch (e) {
    if (!(e instanceof NotebookFileError || e instanceof DestinationError)) throw e;
    if (args.json) process.stdout.write(JSON.stringify({ ok: false, notebook: args.notebook, error: e.message }, null, 2) + "\n");
    process.stderr.write(`pipebook: ${e.message}\n`);
    return 2;
  }
}

const code = await main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`pipebook: ${String((e as Error)?.stack ?? e)}\n`);
  return 70;
});
// Whatever a cell left running (a timer, a server) must not keep the run from ending.
process.stdout.write("", () => process.exit(code));
