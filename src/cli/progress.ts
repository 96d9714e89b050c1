// One line per pipeline step (extract, normalize, load) with the rows so far: redrawn in place on
// a terminal (ora), written once when the step ends when the output is a file or a pipe (CI logs).
import ora, { type Ora } from "ora";
import type { ProgressInfo } from "../notebook/outputs.ts";

interface Step {
  key: string;
  info: ProgressInfo;
  /** latest count per resource (extract) or table (normalize, load) */
  counts: Map<string, number>;
}

const n = (x: number) => x.toLocaleString("en");

function describe(step: Step): string {
  const { pipeline, step: name, done, total } = step.info;
  const targets = [...step.counts.keys()].filter(Boolean);
  const sum = [...step.counts.values()].reduce((a, b) => a + b, 0);
  switch (name) {
    case "extract":
      return `${pipeline}: extract ${targets.join(", ")}: ${n(sum)} item${sum === 1 ? "" : "s"}`;
    case "normalize": {
      // the engine counts a package's rows across its tables: the latest count is the total
      const rows = step.info.items ?? 0;
      return `${pipeline}: normalize: ${n(rows)} row${rows === 1 ? "" : "s"}`;
    }
    case "load":
      return `${pipeline}: load: ${n(sum)} row${sum === 1 ? "" : "s"}${total ? `, ${done ?? 0}/${total} table${total === 1 ? "" : "s"}` : ""}`;
  }
}

export class ProgressLine {
  private step?: Step;
  private spinner?: Ora;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly live: boolean,
  ) {}

  update(info: ProgressInfo): void {
    const key = `${info.pipeline}\u0000${info.step}`;
    if (this.step?.key !== key) {
      this.finish();
      this.step = { key, info, counts: new Map() };
    }
    this.step.info = info;
    this.step.counts.set(info.target ?? "", info.items ?? 0);
    if (!this.live) return;
    const text = describe(this.step);
    if (this.spinner) this.spinner.text = text;
    else this.spinner = ora({ text, stream: this.stream, discardStdin: false, hideCursor: false, isEnabled: true }).start();
  }

  /** The step ended (another began, or the output moved on): its line stays with its final count. */
  finish(): void {
    if (!this.step) return;
    const text = describe(this.step);
    if (this.spinner) this.spinner.stopAndPersist({ symbol: "✓", text });
    else this.stream.write(`${text}\n`);
    this.spinner = undefined;
    this.step = undefined;
  }

  /** Writes around the live line without tearing it. */
  around(write: () => void): void {
    if (!this.spinner) return write();
    this.spinner.clear();
    write();
    this.spinner.render();
  }
}
