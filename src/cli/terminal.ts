// What `pipebook run` prints for people: each cell's outputs under a header naming the cell,
// live progress while pipelines run, and at the end where the data went or which cell failed.
// Outputs go to stdout, progress and the cells' console.error/warn to stderr.
import { styleText } from "node:util";
import type { CellOutput } from "../notebook/outputs.ts";
import { ProgressLine } from "./progress.ts";
import { firstLine, type CellRecord, type RunDocument, type RunListener } from "./run.ts";
import { textTable } from "./table.ts";

type Style = Parameters<typeof styleText>[0];

function styler(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const color = !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return (style, text) => (color ? styleText(style, text) : text);
}

/** The text of one output, as a terminal shows it. */
export function outputText(o: CellOutput): string {
  switch (o.type) {
    case "stream":
    case "info":
    case "load":
      return o.text;
    case "check":
      return `✓ ${o.text}`;
    case "warning":
      return `Warning: ${o.text}`;
    case "value":
      return o.table ? textTable(o.table.columns, o.table.rows, o.table.total) : o.text;
    case "result": {
      const r = o.result;
      return textTable(r.columns.map((c) => c.name), r.head, r.rowCount, { numeric: r.columns.map((c) => c.numeric) });
    }
    case "error":
      return `${o.name}: ${o.message}${o.line !== undefined ? ` (line ${o.line})` : ""}${o.detail ? `\n${o.detail}` : ""}`;
  }
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

export class TerminalReporter implements RunListener {
  private readonly progress: ProgressLine;
  private readonly out: (style: Style, text: string) => string;
  private readonly err: (style: Style, text: string) => string;

  constructor(
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    // A terminal that reports no width (some CI pseudo-terminals) gets plain lines: redrawing needs one.
    this.progress = new ProgressLine(stderr, !!stderr.isTTY && (stderr.columns ?? 0) > 0 && process.env.TERM !== "dumb");
    this.out = styler(stdout);
    this.err = styler(stderr);
  }

  private write(stream: NodeJS.WriteStream, text: string): void {
    this.progress.around(() => stream.write(text.endsWith("\n") ? text : text + "\n"));
  }

  start(doc: RunDocument): void {
    const kinds = doc.cells.length;
    this.write(this.stdout, this.out("bold", `${doc.title}`) + this.out("dim", ` (${doc.notebook}, ${kinds} cell${kinds === 1 ? "" : "s"} to run)`));
  }

  cellStart(cell: CellRecord): void {
    this.write(this.stdout, this.out("cyan", `\n── cell ${cell.index} · ${cell.type} · `) + this.out("dim", firstLine(cell.first_line, 72) || "(empty)"));
  }

  event(_cell: CellRecord, event: Parameters<NonNullable<RunListener["event"]>>[1]): void {
    if (event.kind === "progress") return this.progress.update(event.progress);
    const o = event.output;
    // A pipeline's output means its steps are over: their lines stay above it.
    if (o.type !== "stream") this.progress.finish();
    if (o.type === "stream" && o.name === "stderr") return this.write(this.stderr, o.text);
    const text = outputText(o);
    if (o.type === "error") this.write(this.stdout, this.out("red", text));
    else if (o.type === "check") this.write(this.stdout, this.out("green", text));
    else this.write(this.stdout, text);
  }

  cellEnd(): void {
    this.progress.finish();
  }

  finish(doc: RunDocument): void {
    this.progress.finish();
    const ran = doc.cells.filter((c) => c.status !== "not_run").length;
    if (doc.failed) {
      const rest = doc.cells.filter((c) => c.status === "not_run").length;
      this.write(this.stdout, "");
      this.write(
        this.stderr,
        this.err("red", `✗ cell ${doc.failed.index} failed: ${doc.failed.error}`) +
          `\n  cell ${doc.failed.index}: ${firstLine(doc.failed.first_line, 72)}` +
          (rest ? `\n  ${rest} later cell${rest === 1 ? " was" : "s were"} not run` : ""),
      );
    } else {
      this.write(this.stdout, "\n" + this.out("green", `✓ ${ran} cell${ran === 1 ? "" : "s"} ran in ${seconds(doc.duration_ms)}`));
    }
    const d = doc.destination;
    const where = d.path === ":memory:" ? "an in-memory DuckDB database, gone with this run" : (d.path ?? d.location);
    this.write(this.stdout, `Data: ${where}\nPipeline state: ${doc.pipelines_dir}`);
  }
}
