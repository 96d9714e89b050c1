// The command line: `pipebook run NOTEBOOK.ipynb [--destination …] [--pipelines-dir DIR] [--json]`.
import { parseArgs } from "node:util";

export const USAGE = `Usage: pipebook run NOTEBOOK.ipynb [options]

Runs the notebook's code and SQL cells in order, as the browser does, and stops at the
first cell or check() that fails.

Options:
  --destination TARGET   where dlt.destinations.duckdb() without an argument loads, and what
                         SQL cells query: a DuckDB file path, ":memory:", or a
                         postgresql://user:password@host:port/database URL
                         (default: ./<notebook name>.duckdb in the working directory)
  --pipelines-dir DIR    where pipelines keep their local state (default: .pipebook/pipelines)
  --json                 print one JSON document (every cell, its outputs, LoadInfo as data)
  -h, --help             show this text

Exit codes: 0 every cell and check passed; 1 a cell or check failed; 2 bad arguments or file.`;

export interface RunArgs {
  command: "run";
  notebook: string;
  destination?: string;
  pipelinesDir?: string;
  json: boolean;
}

export type Args = RunArgs | { command: "help" };

/** A mistake on the command line: the message, then the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseCommandLine(argv: string[]): Args {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    // node:util says e.g. "Unknown option '--dest'. To specify a positional argument starting with a '-' …"
    throw new UsageError(String((e as Error).message).replace(/\. To specify a positional.*$/s, ""));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === "help") return { command: "help" };
  const [command, notebook, ...extra] = positionals;
  if (!command) throw new UsageError("No command given");
  if (command !== "run") throw new UsageError(`Unknown command '${command}' (the command is run)`);
  if (!notebook) throw new UsageError("No notebook given: pipebook run NOTEBOOK.ipynb");
  if (extra.length) throw new UsageError(`One notebook at a time: unexpected ${extra.map((x) => `'${x}'`).join(" ")}`);
  for (const name of ["destination", "pipelines-dir"] as const) {
    if (values[name] !== undefined && !values[name]!.trim()) throw new UsageError(`--${name} needs a value`);
  }
  return { command: "run", notebook, destination: values.destination, pipelinesDir: values["pipelines-dir"], json: !!values.json };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      destination: { type: "string" },
      "pipelines-dir": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
