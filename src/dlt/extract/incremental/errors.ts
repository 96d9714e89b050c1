// Incremental errors with dlt's names and messages (dlt/extract/incremental/exceptions.py). They
// are pipe exceptions: the extractor lets them through unwrapped, as dlt does, so that
// `PipelineStepFailed.exception` is the incremental error itself.
import { DltException } from "../../errors.ts";

export class PipeException extends DltException {
  readonly pipe_name: string;

  constructor(pipeName: string, message: string) {
    super(`In processing pipe \`${pipeName}\`: ${message}`);
    this.pipe_name = pipeName;
  }
}

export class IncrementalCursorPathMissing extends PipeException {
  readonly json_path: string;
  readonly item: unknown;

  constructor(pipeName: string, jsonPath: string, item?: unknown, message?: string) {
    super(
      pipeName,
      message ??
        `Cursor element with JSON path \`${jsonPath}\` was not found in extracted data item. All data items must contain this path. Use the same names of fields as in your JSON document because they can be different from the names you see in database.`,
    );
    this.json_path = jsonPath;
    this.item = item;
  }
}

export class IncrementalCursorPathHasValueNone extends PipeException {
  readonly json_path: string;
  readonly item: unknown;

  constructor(pipeName: string, jsonPath: string, item?: unknown) {
    super(
      pipeName,
      `Cursor element with JSON path \`${jsonPath}\` has the value \`None\` in extracted data item. All data items must contain a value != None. Construct the incremental with \`on_cursor_value_missing='include'\` if you want to include such rows`,
    );
    this.json_path = jsonPath;
    this.item = item;
  }
}

export class IncrementalCursorInvalidCoercion extends PipeException {
  constructor(
    pipeName: string,
    readonly cursor_path: string,
    readonly cursor_value: unknown,
    readonly cursor_value_type: string,
    readonly item: unknown,
    details: string,
  ) {
    super(
      pipeName,
      `Could not coerce \`${cursor_value_type}\` with value \`${show(cursor_value)}\` and type \`${typeName(cursor_value)}\` to actual data item \`${show(item)}\` at path \`${cursor_path}\` with type \`${typeName(item)}\`: ${details}. You need to use different data type for \`${cursor_value_type}\` or cast your data ie. by using \`.add_map()\` on this resource.`,
    );
  }
}

export class IncrementalPrimaryKeyMissing extends PipeException {
  constructor(
    pipeName: string,
    readonly primary_key_column: string,
    readonly item: unknown,
  ) {
    super(
      pipeName,
      `Primary key column \`${primary_key_column}\` was not found in extracted data item. All data items must contain this column. Use the same names of fields as in your JSON document.`,
    );
  }
}

/** Reading `last_value` of an incremental that no resource has bound to state yet. */
export class IncrementalUnboundError extends DltException {
  constructor(readonly cursor_path: string) {
    super(
      `The incremental definition with cursor path \`${cursor_path}\` is used without being bound to the resource. This most often happens when you create dynamic resource from a generator function that is using incremental. See https://dlthub.com/docs/general-usage/incremental-loading#incremental-loading-with-last-value for an example.`,
    );
  }
}

/** A bad argument to `dlt.sources.incremental(...)` (dlt raises these while resolving config). */
export class IncrementalConfigError extends DltException {}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (v instanceof Date) return "datetime";
  if (typeof v === "string") return "str";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "list";
  return "dict";
}

function show(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
