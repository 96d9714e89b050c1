// merge strategy `scd2` (reference §5.7): the root table keeps every version of a record with a
// validity window. Per load: retire active versions whose row hash is not staged (only within
// staged merge-key values, if a merge key is set), insert staged versions that are not active,
// and append nested rows that are new. The boundary is one timestamp for the whole load.
import { C_DLT_ID } from "../schema/schema.ts";
import type { TTableSchema } from "../schema/types.ts";
import {
  MergeDispositionException,
  type MergeContext,
  columnNames,
  dest,
  equalOn,
  namesWith,
  q,
  quotedList,
  rowKeyColumn,
  stage,
} from "./merge_common.ts";
import { toUtcMicros } from "./timestamps.ts";

const DEFAULT_VALIDITY: [string, string] = ["_dlt_valid_from", "_dlt_valid_to"];

/** The row-version column: flagged `x-row-version`, else the configured name, else `_dlt_id`. */
function rowVersionColumn(root: TTableSchema): string {
  return namesWith(root, "x-row-version")[0] ?? root["x-row-version-column-name"] ?? C_DLT_ID;
}

/** The load's boundary: `boundary_timestamp` if configured, else the package time (= load id). */
export function boundaryMicros(root: TTableSchema, loadId: string): number {
  const configured = root["x-boundary-timestamp"];
  if (configured !== undefined && configured !== null) return toUtcMicros(configured, "boundary_timestamp");
  return toUtcMicros(Number(loadId), "load_id");
}

export function scd2Sql(ctx: MergeContext): string[] {
  const [root, ...nested] = ctx.chain;
  const [from, to] = root["x-validity-column-names"] ?? DEFAULT_VALIDITY;
  const hash = rowVersionColumn(root);
  const present = new Set(columnNames(root));
  for (const c of [from, to, hash]) {
    if (!present.has(c)) throw new MergeDispositionException(ctx, `Column \`${c}\` required by scd2 is missing in table \`${root.name}\`.`);
  }
  const timestampLiteral = (micros: number) => ctx.dialect.timestampLiteral(micros);
  const boundary = timestampLiteral(boundaryMicros(root, ctx.loadId));
  const activeTs = root["x-active-record-timestamp"];
  const activeLiteral =
    activeTs === undefined || activeTs === null ? "NULL" : timestampLiteral(toUtcMicros(activeTs, "active_record_timestamp"));
  const isActive = (alias?: string) => {
    const col = alias ? `${alias}.${q(to)}` : q(to);
    return activeLiteral === "NULL" ? `${col} IS NULL` : `${col} = ${activeLiteral}`;
  };

  const sql: string[] = [];
  const mk = namesWith(root, "merge_key");
  const inStagedPartition = mk.length
    ? ` AND EXISTS (SELECT 1 FROM ${stage(ctx, root)} AS s WHERE ${equalOn(mk, "d", "s")})`
    : "";
  sql.push(
    `UPDATE ${dest(ctx, root)} AS d SET ${q(to)} = ${boundary} WHERE ${isActive("d")} ` +
      `AND d.${q(hash)} NOT IN (SELECT ${q(hash)} FROM ${stage(ctx, root)})${inStagedPartition}`,
  );

  const data = columnNames(root).filter((c) => c !== from && c !== to);
  sql.push(
    `INSERT INTO ${dest(ctx, root)} (${quotedList([...data, from, to])}) ` +
      `SELECT ${quotedList(data)}, ${boundary}, ${activeLiteral} FROM ${stage(ctx, root)} ` +
      `WHERE ${q(hash)} NOT IN (SELECT ${q(hash)} FROM ${dest(ctx, root)} WHERE ${isActive()})`,
  );

  // Nested rows hash their (row-hash) parent, so an unchanged parent brings known ids only.
  for (const t of nested) {
    const own = rowKeyColumn(ctx, t);
    const cols = columnNames(t);
    sql.push(
      `INSERT INTO ${dest(ctx, t)} (${quotedList(cols)}) SELECT ${quotedList(cols)} FROM ${stage(ctx, t)} ` +
        `WHERE ${q(own)} NOT IN (SELECT ${q(own)} FROM ${dest(ctx, t)})`,
    );
  }
  return sql;
}
