// Where a pipeline.run spent its time, from its trace.
import type * as dlt from "../src/dlt/index.ts";

const ms = (v: number) => `${v.toFixed(0)} ms`;

/** pipeline.run's steps from its trace ("extract 38 ms, normalize ..."), and the ms they took together. */
export function traceSteps(p: dlt.Pipeline): { text: string; ms: number } {
  const steps = p.last_trace!.steps.filter((s) => s.step !== "run");
  const took = steps.map((s) => s.finished_at.getTime() - s.started_at.getTime());
  return { text: steps.map((s, i) => `${s.step} ${ms(took[i])}`).join(", "), ms: took.reduce((a, b) => a + b, 0) };
}
