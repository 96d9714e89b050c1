// What `run(data, { dry_run: true })` resolves to: the rehearsal's report, as data and as text.
import { describeDiff } from "../schema/diff.ts";
import type { DryRunReport } from "../load/dry_run.ts";

export class DryRunInfo {
  constructor(
    readonly pipeline_name: string,
    readonly dataset_name: string,
    readonly dry_run: DryRunReport,
  ) {}

  toString(): string {
    const r = this.dry_run;
    const lines = [`Dry run of pipeline ${this.pipeline_name} into dataset ${this.dataset_name}: nothing was changed.`];
    for (const v of r.violations) lines.push(`Contract violation: ${v}`);
    for (const [table, c] of Object.entries(r.tables)) {
      lines.push(`${table}: ${c.insert} to insert, ${c.update} to update, ${c.delete} to delete`);
    }
    lines.push(...describeDiff({ new_tables: r.new_tables, new_columns: r.new_columns, changed_hints: r.changed_hints }));
    return lines.join("\n");
  }
}
