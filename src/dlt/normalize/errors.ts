// Normalize-stage errors with dlt's class names, fields and message texts
// (dlt/common/schema/exceptions.py), so a failed run reads like dlt's. `name` is set explicitly
// because class names do not survive minification.
import { DltException } from "../errors.ts";
import type { TDataType, TSchemaContractDict, TSchemaContractEntity, TSchemaContractMode } from "../schema/types.ts";

/** dlt's SchemaException: every message is prefixed with the schema name. */
export class SchemaException extends DltException {
  readonly schema_name: string;

  constructor(schemaName: string, message: string) {
    super(schemaName ? `In schema \`${schemaName}\`: ${message}` : message);
    this.name = "SchemaException";
    this.schema_name = schemaName;
  }
}

/** Python's str() of a value inside a message (None/True/False spelled as Python does). */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  return String(v);
}

export class DataValidationError extends SchemaException {
  readonly table_name: string;
  readonly column_name: string | null;
  readonly schema_entity: TSchemaContractEntity;
  readonly contract_mode: TSchemaContractMode;
  readonly table_schema: unknown;
  readonly schema_contract: TSchemaContractDict;
  readonly data_item: unknown;

  constructor(args: {
    schema_name: string;
    table_name: string;
    column_name: string | null;
    schema_entity: TSchemaContractEntity;
    contract_mode: TSchemaContractMode;
    table_schema: { columns?: Record<string, Record<string, unknown>> } | null;
    schema_contract: TSchemaContractDict;
    data_item: Record<string, unknown> | null;
    extended_info: string;
  }) {
    let msg = `In Table: \`${args.table_name}\` `;
    if (args.column_name) msg += `Column: \`${args.column_name}\``;
    msg += ` . Contract on \`${args.schema_entity}\` with \`contract_mode=${args.contract_mode}\` is violated. `;
    msg += args.extended_info;
    // dlt cites the identifying columns (keys, unique) of the offending item as evidence
    const item = args.data_item;
    const columns = args.table_schema?.columns;
    if (item && columns) {
      const ids = Object.values(columns)
        .filter((c) => c.primary_key || c.merge_key || c.unique)
        .map((c) => String(c.name));
      if (ids.length) msg += ` Offending data item: ${ids.map((c) => `${c}: ${pyStr(item[c])}`).join(", ")}`;
    }
    super(args.schema_name, msg);
    this.name = "DataValidationError";
    this.table_name = args.table_name;
    this.column_name = args.column_name;
    this.schema_entity = args.schema_entity;
    this.contract_mode = args.contract_mode;
    this.table_schema = args.table_schema;
    this.schema_contract = args.schema_contract;
    this.data_item = args.data_item;
  }
}

export class CannotCoerceNullException extends SchemaException {
  readonly table_name: string;
  readonly column_name: string;

  constructor(schemaName: string, tableName: string, columnName: string) {
    super(schemaName, `Cannot coerce NULL in table \`${tableName}\` column \`${columnName}\` which is not nullable`);
    this.name = "CannotCoerceNullException";
    this.table_name = tableName;
    this.column_name = columnName;
  }
}

export class CannotCoerceColumnException extends SchemaException {
  readonly table_name: string;
  readonly column_name: string;
  readonly from_type: TDataType;
  readonly to_type: TDataType | undefined;
  readonly coerced_value: unknown;

  constructor(
    schemaName: string, tableName: string, columnName: string, fromType: TDataType, toType: TDataType | undefined,
    value: unknown,
  ) {
    super(
      schemaName,
      `Cannot coerce type \`${fromType}\` to \`${toType}\` for value \`${pyStr(value)}\` ` +
        `in table \`${tableName}\` column \`${columnName}\``,
    );
    this.name = "CannotCoerceColumnException";
    this.table_name = tableName;
    this.column_name = columnName;
    this.from_type = fromType;
    this.to_type = toType;
    this.coerced_value = value;
  }
}

/**
 * A value of the column's own type that the destination cannot hold as it is (a BigInt beyond
 * 64 bits, an invalid Date): storing it would change it, so the normalize fails instead.
 */
export class ValueDoesNotFitException extends SchemaException {
  readonly table_name: string;
  readonly column_name: string;
  readonly data_type: TDataType;
  readonly value: unknown;

  constructor(schemaName: string, tableName: string, columnName: string, dataType: TDataType, value: unknown) {
    const shown = value instanceof Date ? "Invalid Date" : typeof value === "bigint" ? `${value}n` : pyStr(value);
    const why =
      dataType === "bigint"
        ? "does not fit `bigint` (a signed 64-bit integer); hint the column as `decimal` or `wei` (or pass the value as text) to load it exactly"
        : `is not a valid \`${dataType}\``;
    super(schemaName, `Value \`${shown}\` in table \`${tableName}\` column \`${columnName}\` ${why}`);
    this.name = "ValueDoesNotFitException";
    this.table_name = tableName;
    this.column_name = columnName;
    this.data_type = dataType;
    this.value = value;
  }
}

interface UnboundColumn {
  name: string;
  nullable?: boolean;
  primary_key?: boolean;
  merge_key?: boolean;
}

/** Columns hinted (keys, `columns=`) that never got data; raised for non-nullable ones. */
export class UnboundColumnException extends SchemaException {
  readonly table_name: string;
  readonly columns: UnboundColumn[];

  constructor(schemaName: string, tableName: string, columns: UnboundColumn[]) {
    const lines = columns.map((c) => {
      const keyType = c.merge_key ? "merge key" : c.primary_key ? "primary key" : "";
      let line = `  - ${c.name}`;
      if (keyType || c.nullable === false) {
        line += ` (marked as non-nullable${keyType ? ` ${keyType}` : ""} and must have values)`;
      }
      return line;
    });
    super(
      schemaName,
      `The following columns in table \`${tableName}\` did not receive any data during this load:\n` +
        lines.join("\n") +
        "\n\nThis can happen if you specify columns manually, for example, using the `merge_key`, " +
        "`primary_key` or `columns` argument but they do not exist in the data.\n",
    );
    this.name = "UnboundColumnException";
    this.table_name = tableName;
    this.columns = columns;
  }
}

/** Columns that only ever received NULL: logged as a warning, the columns are not created. */
export class UnboundColumnWithoutTypeException extends SchemaException {
  readonly table_name: string;
  readonly columns: string[];

  constructor(schemaName: string, tableName: string, columns: string[]) {
    super(
      schemaName,
      `The following columns in table '${tableName}' did not receive any data during this load and ` +
        "therefore could not have their types inferred:\n" +
        columns.map((c) => `  - ${c}`).join("\n") +
        "\n\nUnless type hints are provided, these columns will not be materialized in the destination.\n" +
        "One way to provide type hints is to use the 'columns' argument in the '@dlt.resource' decorator.  " +
        `For example:\n\n@dlt.resource(columns={'${columns[0]}': {'data_type': 'text'}})\n`,
    );
    this.name = "UnboundColumnWithoutTypeException";
    this.table_name = tableName;
    this.columns = columns;
  }
}
