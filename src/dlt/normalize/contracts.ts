// Schema contracts (reference §4.7): which mode applies to a table, and what a contract does to
// the schema changes one row would make. Mirrors the order of checks in dlt's
// `Schema.apply_schema_contract` so that the same entity is blamed first.
import { DLT_TABLE_PREFIX, type Schema } from "../schema/schema.ts";
import type {
  TColumn,
  TSchemaContract,
  TSchemaContractEntity,
  TSchemaContractMode,
  TTableSchema,
} from "../schema/types.ts";
import { DataValidationError } from "./errors.ts";

export type ContractDict = Record<TSchemaContractEntity, TSchemaContractMode>;

const EVOLVE: ContractDict = { tables: "evolve", columns: "evolve", data_type: "evolve" };

/** Shorthand string → all three entities; a partial dict is completed with `evolve`. */
export function expandContract(contract: TSchemaContract | undefined | null): ContractDict {
  if (!contract) return { ...EVOLVE };
  if (typeof contract === "string") return { tables: contract, columns: contract, data_type: contract };
  return { ...EVOLVE, ...contract };
}

export function isEvolveAll(c: ContractDict): boolean {
  return c.tables === "evolve" && c.columns === "evolve" && c.data_type === "evolve";
}

/** dlt's own tables and columns (`_dlt…`) are never subject to contracts. */
export function isDltName(name: string): boolean {
  return name.startsWith(DLT_TABLE_PREFIX);
}

/**
 * The contract for `tableName`: the run() override when given, else the nearest `schema_contract`
 * hint up the parent chain, else the schema settings, else evolve.
 */
export function resolveContract(schema: Schema, tableName: string, override?: TSchemaContract): ContractDict {
  if (isDltName(tableName)) return { ...EVOLVE };
  if (override !== undefined && override !== null) return expandContract(override);
  let table = ownTable(schema, tableName);
  while (table) {
    if (table.schema_contract !== undefined) return expandContract(table.schema_contract);
    table = table.parent ? ownTable(schema, table.parent) : undefined;
  }
  return expandContract(schema.settings.schema_contract);
}

function ownTable(schema: Schema, name: string): TTableSchema | undefined {
  return Object.hasOwn(schema.tables, name) ? schema.tables[name] : undefined;
}

/** dlt's notion of a new table for contracts: absent or without any complete column. */
export function isNewTable(table: TTableSchema | undefined): boolean {
  if (!table) return true;
  for (const name in table.columns) if (table.columns[name].data_type !== undefined) return false;
  return true;
}

export type ContractFilter = { entity: "tables" | "columns"; name: string; mode: TSchemaContractMode };

/**
 * Applies `contract` to the new columns a row would add to `tableName`. Removes disallowed
 * columns from `newColumns` in place and returns the filters to apply to data, or `null` when
 * the whole table is not allowed. Throws DataValidationError on `freeze`.
 */
export function applyContract(
  schema: Schema,
  contract: ContractDict,
  tableName: string,
  newColumns: Record<string, TColumn>,
  dataItem: Record<string, unknown>,
): { filters: ContractFilter[]; tableAllowed: boolean } {
  const existing = ownTable(schema, tableName);
  const isNew = isNewTable(existing);
  if (isNew && contract.tables !== "evolve") {
    if (contract.tables === "freeze") {
      throw new DataValidationError({
        schema_name: schema.name,
        table_name: tableName,
        column_name: null,
        schema_entity: "tables",
        contract_mode: "freeze",
        table_schema: null,
        schema_contract: contract,
        data_item: dataItem,
        extended_info: `Can't add table \`${tableName}\` because \`tables\` are frozen.`,
      });
    }
    return { filters: [{ entity: "tables", name: tableName, mode: contract.tables }], tableAllowed: false };
  }
  const columnMode =
    isNew || existing?.["x-normalizer"]?.["evolve-columns-once"] ? "evolve" : contract.columns;
  const dataMode = contract.data_type;
  const filters: ContractFilter[] = [];
  for (const name of Object.keys(newColumns)) {
    if (isDltName(name)) continue;
    const isVariant = !!newColumns[name].variant;
    const prior = existing && Object.hasOwn(existing.columns, name) ? existing.columns[name] : undefined;
    const isNewColumn = !prior || prior.data_type === undefined;
    if (columnMode !== "evolve" && !isVariant && isNewColumn) {
      if (columnMode === "freeze") {
        throw violation(schema, contract, tableName, name, "columns", existing, dataItem,
          `Can't add table column \`${name}\` to table \`${tableName}\` because \`columns\` are frozen.`);
      }
      filters.push({ entity: "columns", name, mode: columnMode });
      delete newColumns[name];
    }
    if (dataMode !== "evolve" && isVariant) {
      if (dataMode === "freeze") {
        throw violation(schema, contract, tableName, name, "data_type", existing, dataItem,
          `Can't add variant column \`${name}\` for table \`${tableName}\` because \`data_types\` are frozen.`);
      }
      filters.push({ entity: "columns", name, mode: dataMode });
      delete newColumns[name];
    }
  }
  return { filters, tableAllowed: true };
}

function violation(
  schema: Schema, contract: ContractDict, tableName: string, column: string, entity: TSchemaContractEntity,
  existing: TTableSchema | undefined, dataItem: Record<string, unknown>, info: string,
): DataValidationError {
  return new DataValidationError({
    schema_name: schema.name,
    table_name: tableName,
    column_name: column,
    schema_entity: entity,
    contract_mode: "freeze",
    table_schema: existing ?? null,
    schema_contract: contract,
    data_item: dataItem,
    extended_info: info,
  });
}
