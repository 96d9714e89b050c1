// merge strategy `delete-insert` (reference §5.4): delete destination rows whose primary key OR
// merge key appears in staging (with their nested rows), then insert the staged rows,
// deduplicated by primary key, minus hard deletes. Set-based statements only.
import {
  type MergeContext,
  columnNames,
  columnsWith,
  dest,
  equalOn,
  hardDelete,
  namesWith,
  q,
  quotedList,
  rootKeyColumn,
  rowKeyColumn,
  stage,
  tempName,
} from "./merge_common.ts";

/**
 * Window ordering for the dedup. dlt orders by `(SELECT NULL)`, which on DuckDB keeps the first
 * staged row; the dialect's insert order (DuckDB's rowid, Postgres' ctid) makes that explicit, and breaks `dedup_sort` ties the
 * same way (first occurrence).
 */
function dedupOrder(ctx: MergeContext): string {
  const sortCol = columnsWith(ctx.chain[0], "dedup_sort")[0];
  const first = ctx.dialect.insertOrder;
  if (!sortCol) return first;
  return `${q(sortCol.name)} ${sortCol.dedup_sort === "asc" ? "ASC" : "DESC"}, ${first}`;
}

/**
 * `SELECT <cols> FROM staging` keeping the first row per `partition`, then filtered by `where`
 * (which may use `whereCols` besides `cols`).
 */
function dedupSelect(
  from: string, partition: string[], order: string, cols: string[], where: string, whereCols: string[] = [],
): string {
  const inner = [...new Set([...cols, ...whereCols])];
  return (
    `SELECT ${quotedList(cols)} FROM (SELECT ROW_NUMBER() OVER (PARTITION BY ${quotedList(partition)} ORDER BY ${order}) ` +
    `AS _dlt_dedup_rn, ${quotedList(inner)} FROM ${from}) AS _dlt_dedup_numbered WHERE _dlt_dedup_rn = 1 AND (${where})`
  );
}

/**
 * A query returning one row when a primary key repeats among the staged root rows, or null when
 * the chain has no primary key. The window dedup sorts every staged row; a hash aggregate that
 * finds no repeat lets the merge skip it (the common case: a batch with unique keys).
 */
export function repeatedKeyProbe(ctx: MergeContext): string | null {
  const root = ctx.chain[0];
  const pk = namesWith(root, "primary_key");
  if (!pk.length) return null;
  return `SELECT 1 AS repeated FROM ${stage(ctx, root)} GROUP BY ${quotedList(pk)} HAVING count(*) > 1 LIMIT 1`;
}

export function deleteInsertSql(ctx: MergeContext): string[] {
  const [root, ...nested] = ctx.chain;
  const pk = namesWith(root, "primary_key");
  const mk = namesWith(root, "merge_key");
  const sql: string[] = [];
  const temps: string[] = [];

  // Delete phase; without any key the merge is a staged append.
  let rowKey: string | undefined;
  if (pk.length || mk.length) {
    // One EXISTS per key set: DuckDB plans each as a hash semi-join, an OR inside one EXISTS
    // would fall back to a nested-loop join.
    const matches = [pk, mk]
      .filter((keys) => keys.length)
      .map((keys) => `EXISTS (SELECT 1 FROM ${stage(ctx, root)} AS s WHERE ${equalOn(keys, "d", "s")})`)
      .join(" OR ");
    if (nested.length === 0) {
      sql.push(`DELETE FROM ${dest(ctx, root)} AS d WHERE ${matches}`);
    } else {
      rowKey = rowKeyColumn(ctx, root);
      const del = tempName(root.name, "delete");
      temps.push(del);
      sql.push(`CREATE TEMPORARY TABLE ${del} AS SELECT d.${q(rowKey)} FROM ${dest(ctx, root)} AS d WHERE ${matches}`);
      for (const t of nested) {
        sql.push(`DELETE FROM ${dest(ctx, t)} WHERE ${q(rootKeyColumn(ctx, t))} IN (SELECT * FROM ${del})`);
      }
      sql.push(`DELETE FROM ${dest(ctx, root)} WHERE ${q(rowKey)} IN (SELECT * FROM ${del})`);
    }
  }

  const hd = hardDelete(root);
  const kept = hd ? hd.kept() : "1 = 1";
  const order = dedupOrder(ctx);
  const rootCols = columnNames(root);
  const dedup = pk.length > 0 && !ctx.stagedKeysUnique;

  if (nested.length === 0) {
    const select = dedup
      ? dedupSelect(stage(ctx, root), pk, order, rootCols, kept, hd ? [hd.column] : [])
      : `SELECT ${quotedList(rootCols)} FROM ${stage(ctx, root)} WHERE ${kept}`;
    sql.push(`INSERT INTO ${dest(ctx, root)} (${quotedList(rootCols)}) ${select}`);
  } else if (pk.length === 0 && !hd) {
    for (const t of ctx.chain) {
      const cols = columnNames(t);
      sql.push(`INSERT INTO ${dest(ctx, t)} (${quotedList(cols)}) SELECT ${quotedList(cols)} FROM ${stage(ctx, t)}`);
    }
  } else {
    // Root rows that survive dedup and hard delete; their nested rows follow them in.
    rowKey ??= rowKeyColumn(ctx, root);
    const ins = tempName(root.name, "insert");
    temps.push(ins);
    const survivors = dedup
      ? dedupSelect(stage(ctx, root), pk, order, [rowKey], kept, hd ? [hd.column] : [])
      : `SELECT ${q(rowKey)} FROM ${stage(ctx, root)} WHERE ${kept}`;
    sql.push(`CREATE TEMPORARY TABLE ${ins} AS ${survivors}`);
    sql.push(
      `INSERT INTO ${dest(ctx, root)} (${quotedList(rootCols)}) SELECT ${quotedList(rootCols)} FROM ${stage(ctx, root)} ` +
        `WHERE ${q(rowKey)} IN (SELECT * FROM ${ins})`,
    );
    for (const t of nested) {
      const cols = columnNames(t);
      const rootKey = rootKeyColumn(ctx, t);
      const own = rowKeyColumn(ctx, t);
      sql.push(
        `INSERT INTO ${dest(ctx, t)} (${quotedList(cols)}) ` +
          dedupSelect(stage(ctx, t), [own], ctx.dialect.insertOrder, cols, `${q(rootKey)} IN (SELECT * FROM ${ins})`),
      );
    }
  }
  for (const t of temps) sql.push(`DROP TABLE IF EXISTS ${t}`);
  return sql;
}
