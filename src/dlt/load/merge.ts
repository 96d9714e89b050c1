// SQL that merges the staged chain of one root table into the final tables, per merge strategy
// (reference §5.3–§5.7). load.ts runs the statements inside the package's one transaction, so a
// failure anywhere leaves the final tables as they were.
import { SchemaException } from "../normalize/errors.ts";
import type { TMergeStrategy, TTableSchema } from "../schema/types.ts";
import { deleteInsertSql, repeatedKeyProbe } from "./delete_insert.ts";
import { type MergeContext, columnsWith, namesWith } from "./merge_common.ts";
import { scd2Sql } from "./scd2.ts";
import { insertOnlySql, upsertSql } from "./upsert.ts";

export { deleteInsertSql } from "./delete_insert.ts";
export { MergeDispositionException, type MergeContext } from "./merge_common.ts";

/** dlt's SchemaCorruptedException: hints that make the requested merge impossible. */
export class SchemaCorruptedException extends SchemaException {
  constructor(schemaName: string, message: string) {
    super(schemaName, message);
    this.name = "SchemaCorruptedException";
  }
}

export function mergeStrategy(root: TTableSchema): TMergeStrategy {
  return root["x-merge-strategy"] ?? "delete-insert";
}

/**
 * dlt checks merge hints when the load starts (`verify_schema_merge_disposition`): errors stop
 * the load with the package kept pending, the rest are warnings.
 */
export function verifyMergeTable(root: TTableSchema, schemaName: string, warn: (m: string) => void = console.warn): void {
  const name = root.name;
  const strategy = mergeStrategy(root);
  const pk = namesWith(root, "primary_key");
  const mk = namesWith(root, "merge_key");
  const errors: string[] = [];
  if (strategy === "delete-insert" && pk.length === 0 && mk.length === 0) {
    warn(
      `Table ${name} has \`write_disposition\` set to \`merge\` and \`merge_strategy\` set to \`delete-insert\`, ` +
        "but no primary or merge keys defined. dlt will fall back to `append` for this table.",
    );
  }
  if (strategy === "upsert" || strategy === "insert-only") {
    if (pk.length === 0) {
      errors.push(
        `No primary key defined for table \`${name}\`. \`primary_key\` needs to be set when using the \`${strategy}\` merge strategy.`,
      );
    }
    if (mk.length) {
      warn(
        `Found \`merge_key\` for table \`${name}\` with \`${strategy}\` merge strategy. Merge key is not supported ` +
          "for this strategy and will be ignored.",
      );
    }
  }
  for (const hint of ["hard_delete", "dedup_sort"]) {
    const cols = columnsWith(root, hint).map((c) => c.name);
    if (cols.length > 1) {
      errors.push(
        `Found multiple "${hint}" column hints for table "${name}" in schema "${schemaName}" while only one is allowed: ${cols.join(", ")}.`,
      );
    }
  }
  const dedup = columnsWith(root, "dedup_sort")[0];
  if (dedup && pk.length === 0) {
    warn(
      `The "dedup_sort" column hint for column "${dedup.name}" in table "${name}" with write disposition "merge" in ` +
        `schema "${schemaName}" will be ignored. The "dedup_sort" column hint is only applied when a primary key has been specified.`,
    );
  }
  if (errors.length) throw new SchemaCorruptedException(schemaName, errors[0]);
}

/** The follow-up statements that merge the staged chain of one root table. */
export function mergeSql(ctx: MergeContext): string[] {
  const root = ctx.chain[0];
  verifyMergeTable(root, ctx.schemaName ?? "");
  switch (mergeStrategy(root)) {
    case "delete-insert":
      return deleteInsertSql(ctx);
    case "upsert":
      return upsertSql(ctx);
    case "insert-only":
      return insertOnlySql(ctx);
    case "scd2":
      return scd2Sql(ctx);
  }
}

/** The context with what the staged rows tell: whether the merge may skip its dedup. */
export async function probeStaged(ctx: MergeContext, rows: (sql: string) => Promise<unknown[]>): Promise<MergeContext> {
  const probe = mergeStrategy(ctx.chain[0]) === "delete-insert" ? repeatedKeyProbe(ctx) : null;
  if (!probe) return ctx;
  return { ...ctx, stagedKeysUnique: (await rows(probe)).length === 0 };
}
