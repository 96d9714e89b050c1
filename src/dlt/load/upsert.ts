// merge strategies `upsert` and `insert-only` (reference §5.5, §5.6, §13.3, §13.4) with MERGE INTO
// (DuckDB, Postgres 15+). Root rows match on the primary key; nested rows match on their own `_dlt_id`,
// which is deterministic here because the root id is a hash of the primary key.
import {
  MergeDispositionException,
  type MergeContext,
  columnNames,
  dest,
  equalOn,
  hardDelete,
  namesWith,
  q,
  quotedList,
  rootKeyColumn,
  rowKeyColumn,
  stage,
} from "./merge_common.ts";

function insertClause(cols: string[]): string {
  return `WHEN NOT MATCHED THEN INSERT (${quotedList(cols)}) VALUES (${quotedList(cols, "s")})`;
}

function updateClause(cols: string[]): string {
  // The whole row is replaced: a column missing from the new item becomes NULL (§13.4).
  return `WHEN MATCHED THEN UPDATE SET ${cols.map((c) => `${q(c)} = s.${q(c)}`).join(", ")}`;
}

function requireMerge(ctx: MergeContext): void {
  if (!ctx.dialect.supportsMerge) throw new MergeDispositionException(ctx, `${ctx.dialect.name} has no MERGE statement.`);
}

export function upsertSql(ctx: MergeContext): string[] {
  requireMerge(ctx);
  const [root, ...nested] = ctx.chain;
  const pk = namesWith(root, "primary_key");
  const hd = hardDelete(root);
  const rootCols = columnNames(root);
  const sql: string[] = [];
  // A new key flagged as deleted has nothing to match, so it is inserted (§13.3).
  sql.push(
    `MERGE INTO ${dest(ctx, root)} AS d USING ${stage(ctx, root)} AS s ON ${equalOn(pk, "d", "s")} ` +
      (hd ? `WHEN MATCHED AND ${hd.deleted("s")} THEN DELETE ` : "") +
      `${updateClause(rootCols)} ${insertClause(rootCols)}`,
  );
  if (nested.length === 0) return sql;
  const rootRowKey = rowKeyColumn(ctx, root);
  for (const t of nested) {
    const own = rowKeyColumn(ctx, t);
    const rootKey = rootKeyColumn(ctx, t);
    const cols = columnNames(t);
    // List elements that disappeared from a staged root row.
    sql.push(
      `DELETE FROM ${dest(ctx, t)} WHERE ${q(rootKey)} IN (SELECT ${q(rootRowKey)} FROM ${stage(ctx, root)}) ` +
        `AND ${q(own)} NOT IN (SELECT ${q(own)} FROM ${stage(ctx, t)})`,
    );
    sql.push(
      `MERGE INTO ${dest(ctx, t)} AS d USING ${stage(ctx, t)} AS s ON d.${q(own)} = s.${q(own)} ` +
        `${updateClause(cols)} ${insertClause(cols)}`,
    );
    if (hd) {
      sql.push(
        `DELETE FROM ${dest(ctx, t)} WHERE ${q(rootKey)} IN ` +
          `(SELECT ${q(rootRowKey)} FROM ${stage(ctx, root)} WHERE ${hd.deleted()})`,
      );
    }
  }
  return sql;
}

/** Like upsert without the update: existing keys stay as they are, hard deletes are dropped. */
export function insertOnlySql(ctx: MergeContext): string[] {
  requireMerge(ctx);
  const [root, ...nested] = ctx.chain;
  const pk = namesWith(root, "primary_key");
  const hd = hardDelete(root);
  const rootCols = columnNames(root);
  const stagedRoots = hd ? `(SELECT * FROM ${stage(ctx, root)} WHERE ${hd.kept()})` : stage(ctx, root);
  const sql = [
    `MERGE INTO ${dest(ctx, root)} AS d USING ${stagedRoots} AS s ON ${equalOn(pk, "d", "s")} ${insertClause(rootCols)}`,
  ];
  if (nested.length === 0) return sql;
  const rootRowKey = rowKeyColumn(ctx, root);
  for (const t of nested) {
    const own = rowKeyColumn(ctx, t);
    const cols = columnNames(t);
    const source = hd
      ? `(SELECT * FROM ${stage(ctx, t)} WHERE ${q(rootKeyColumn(ctx, t))} IN ` +
        `(SELECT ${q(rootRowKey)} FROM ${stage(ctx, root)} WHERE ${hd.kept()}))`
      : stage(ctx, t);
    sql.push(`MERGE INTO ${dest(ctx, t)} AS d USING ${source} AS s ON d.${q(own)} = s.${q(own)} ${insertClause(cols)}`);
  }
  return sql;
}
