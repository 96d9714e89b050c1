// What one schema version added or changed against the one before it: new tables, new columns
// with their types (variants flagged: a value arrived whose type did not fit its column), and
// column hints that changed or were dropped. Data tables and columns only: dlt's own are bookkeeping.
import type { TColumn, TTableSchema } from "./types.ts";

export interface NewColumn {
  table: string;
  column: string;
  data_type: string | null;
  /** a variant column: values of another type than `variant_of`'s arrived */
  variant: boolean;
  variant_of?: string;
}

export interface ChangedHint {
  table: string;
  column: string;
  hint: string;
  from: unknown;
  to: unknown;
}

export interface SchemaDiff {
  new_tables: string[];
  new_columns: NewColumn[];
  changed_hints: ChangedHint[];
}

/** Hints worth telling a user about when they change; bookkeeping marks are left out. */
const HINTS = ["data_type", "nullable", "primary_key", "merge_key", "unique", "precision", "scale", "timezone", "hard_delete", "dedup_sort"];

interface SchemaLike {
  tables: Record<string, TTableSchema>;
}

export function diffSchemas(previous: SchemaLike | undefined, next: SchemaLike): SchemaDiff {
  const diff: SchemaDiff = { new_tables: [], new_columns: [], changed_hints: [] };
  const before = previous?.tables ?? {};
  for (const [name, table] of Object.entries(next.tables)) {
    if (name.startsWith("_dlt")) continue;
    const old = before[name];
    // dlt's own columns (`_dlt_id`, `_dlt_load_id`, …) come with every table: not news.
    const complete = Object.values(table.columns).filter((c) => c.data_type !== undefined && !c.name.startsWith("_dlt_"));
    if (!old || !Object.values(old.columns).some((c) => c.data_type !== undefined)) {
      if (complete.length === 0) continue;
      diff.new_tables.push(name);
    }
    for (const col of complete) {
      const prior = old?.columns[col.name];
      if (!prior || prior.data_type === undefined) diff.new_columns.push(newColumn(name, col));
      else diffHints(diff, name, prior, col);
    }
    for (const prior of Object.values(old?.columns ?? {})) {
      if (prior.data_type !== undefined && !prior.name.startsWith("_dlt_") && !table.columns[prior.name]) {
        diff.changed_hints.push({ table: name, column: prior.name, hint: "column", from: prior.data_type, to: null });
      }
    }
  }
  return diff;
}

function newColumn(table: string, col: TColumn): NewColumn {
  const variant = !!col.variant;
  const out: NewColumn = { table, column: col.name, data_type: col.data_type ?? null, variant };
  if (variant) {
    const at = col.name.lastIndexOf("__v_");
    if (at > 0) out.variant_of = col.name.slice(0, at);
  }
  return out;
}

function diffHints(diff: SchemaDiff, table: string, prior: TColumn, col: TColumn): void {
  for (const hint of HINTS) {
    let from = prior[hint];
    let to = col[hint];
    if (hint === "nullable") {
      from ??= true;
      to ??= true;
    }
    if (from === to || (isOff(from) && isOff(to))) continue;
    diff.changed_hints.push({ table, column: col.name, hint, from: from ?? null, to: to ?? null });
  }
}

/** An absent hint and `false` say the same (for nullable, absent means true: set above). */
function isOff(v: unknown): boolean {
  return v === undefined || v === false || v === null;
}

/** Two consecutive diffs (extract's hints, then normalize's data) as one. */
export function mergeDiffs(first: SchemaDiff | undefined, then: SchemaDiff): SchemaDiff {
  if (!first) return then;
  const key = (c: NewColumn) => `${c.table}\u0000${c.column}`;
  const seen = new Set(first.new_columns.map(key));
  return {
    new_tables: [...new Set([...first.new_tables, ...then.new_tables])],
    new_columns: [...first.new_columns, ...then.new_columns.filter((c) => !seen.has(key(c)))],
    changed_hints: [
      ...first.changed_hints,
      ...then.changed_hints.filter((h) => !first.changed_hints.some((f) => f.table === h.table && f.column === h.column && f.hint === h.hint)),
    ],
  };
}

export function isEmptyDiff(d: SchemaDiff): boolean {
  return d.new_tables.length === 0 && d.new_columns.length === 0 && d.changed_hints.length === 0;
}

/** One line per change, for load summaries and the CLI. */
export function describeDiff(d: SchemaDiff): string[] {
  const lines: string[] = [];
  for (const t of d.new_tables) lines.push(`new table ${t}`);
  for (const c of d.new_columns) {
    const type = c.data_type ?? "?";
    lines.push(
      c.variant
        ? `new variant column ${c.table}.${c.column} (${type}): values of type ${type} did not fit ${c.variant_of ?? "their column"}`
        : `new column ${c.table}.${c.column} ${type}`,
    );
  }
  for (const h of d.changed_hints) {
    lines.push(
      h.hint === "column"
        ? `dropped column ${h.table}.${h.column}`
        : `${h.table}.${h.column}: ${h.hint} ${JSON.stringify(h.from)} → ${JSON.stringify(h.to)}`,
    );
  }
  return lines;
}
