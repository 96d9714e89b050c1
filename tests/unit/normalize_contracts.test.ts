// Schema contracts in normalize (reference §4.7, S10, S11, §13.2).
import { describe, expect, it } from "vitest";
import { DataValidationError, ItemsNormalizer } from "../../src/dlt/normalize/index.ts";
import { Schema, stateTableSchema } from "../../src/dlt/schema/schema.ts";
import type { TSchemaContract, TTableSchema } from "../../src/dlt/schema/types.ts";

const LOAD_ID = "1714000000.123456";

function normalize(schema: Schema, root: string, items: unknown[], contract?: TSchemaContract) {
  const n = new ItemsNormalizer(schema, { loadId: LOAD_ID, contract });
  n.add(root, items);
  const tables = n.tables();
  return { rows: (t: string) => tables.get(t) ?? [], tables };
}

/**
 * Run 1 of S10/S11: `items` created from {id:1,name:"a"}, with the resource contract in place for
 * run 2. (A contract that freezes `tables` would stop run 1 itself, at extract in dlt, so it is
 * set after run 1 — as when a contract is added to an existing resource.)
 */
function itemsTable(contract?: TSchemaContract, schemaName = "e14_freeze"): Schema {
  const s = new Schema(schemaName);
  const hints: TTableSchema = { name: "items", columns: {}, write_disposition: "append", resource: "items" };
  s.updateTable(hints);
  normalize(s, "items", [{ id: 1, name: "a" }]);
  if (contract !== undefined) s.tables.items.schema_contract = contract;
  return s;
}

const RUN2 = [{ id: 2, name: "b", extra: "x" }, { id: 3, name: "c" }];
const pick = (rows: Record<string, unknown>[], ...cols: string[]) =>
  rows.map((r) => cols.map((c) => (c in r ? r[c] : null)));
const columns = (s: Schema, t: string) => Object.keys(s.tables[t]?.columns ?? {});

function caught(f: () => unknown): DataValidationError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataValidationError) return e;
    throw e;
  }
  throw new Error("expected a DataValidationError");
}

describe("S10 — columns: freeze", () => {
  it("the first run of a new table may create its columns", () => {
    const s = new Schema("e14_freeze");
    s.updateTable({ name: "items", columns: {}, write_disposition: "append", schema_contract: { columns: "freeze" } });
    const { rows } = normalize(s, "items", [{ id: 1, name: "a" }]);
    expect(columns(s, "items")).toEqual(["id", "name", "_dlt_load_id", "_dlt_id"]);
    expect(rows("items")).toHaveLength(1);
  });

  it("a new column on an existing table raises DataValidationError with dlt's fields and message", () => {
    const s = itemsTable({ columns: "freeze" });
    const err = caught(() => normalize(s, "items", structuredClone(RUN2)));
    expect(err.name).toBe("DataValidationError");
    expect(err).toMatchObject({
      schema_name: "e14_freeze", table_name: "items", column_name: "extra", schema_entity: "columns",
      contract_mode: "freeze",
    });
    const item = err.data_item as Record<string, unknown>;
    expect(item).toMatchObject({ id: 2, name: "b", extra: "x", _dlt_load_id: LOAD_ID });
    expect(item._dlt_id).toMatch(/^[A-Za-z0-9+/]{14}$/);
    expect(err.message).toBe(
      "In schema `e14_freeze`: In Table: `items` Column: `extra` . Contract on `columns` with " +
        "`contract_mode=freeze` is violated. Can't add table column `extra` to table `items` because " +
        `\`columns\` are frozen. Offending data item: _dlt_id: ${item._dlt_id}`,
    );
    expect(err.schema_contract).toEqual({ tables: "evolve", columns: "freeze", data_type: "evolve" });
  });

  it("is blind to rows without new columns", () => {
    const s = itemsTable({ columns: "freeze" });
    const { rows } = normalize(s, "items", [{ id: 3, name: "c" }]);
    expect(pick(rows("items"), "id", "name")).toEqual([[3, "c"]]);
  });

  it("the shorthand string freezes all entities", () => {
    const s = itemsTable("freeze");
    expect(caught(() => normalize(s, "items", structuredClone(RUN2))).schema_entity).toBe("columns");
  });
});

describe("S11 — discard_row / discard_value", () => {
  it("columns: discard_row drops the violating rows", () => {
    const s = itemsTable({ columns: "discard_row" });
    const { rows } = normalize(s, "items", structuredClone(RUN2));
    expect(pick(rows("items"), "id", "name")).toEqual([[3, "c"]]);
    expect(columns(s, "items")).toEqual(["id", "name", "_dlt_load_id", "_dlt_id"]);
  });

  it("columns: discard_value keeps the row without the new value", () => {
    const s = itemsTable({ columns: "discard_value" });
    const { rows } = normalize(s, "items", structuredClone(RUN2));
    expect(rows("items").map((r) => Object.keys(r))).toEqual([
      ["id", "name", "_dlt_load_id", "_dlt_id"], ["id", "name", "_dlt_load_id", "_dlt_id"],
    ]);
    expect(pick(rows("items"), "id", "name")).toEqual([[2, "b"], [3, "c"]]);
    expect(columns(s, "items")).not.toContain("extra");
  });

  it("§13.2: once discarded, a row carrying the field is dropped even when its value is null", () => {
    const s = itemsTable({ columns: "discard_row" });
    const { rows } = normalize(s, "items", [
      { id: 2, extra: "x" }, { id: 3, extra: null }, { id: 4 },
    ]);
    expect(pick(rows("items"), "id")).toEqual([[4]]);
  });

  it("evolve adds the column", () => {
    const s = itemsTable();
    const { rows } = normalize(s, "items", structuredClone(RUN2));
    expect(pick(rows("items"), "id", "name", "extra")).toEqual([[2, "b", "x"], [3, "c", null]]);
    expect(columns(s, "items").at(-1)).toBe("extra");
  });
});

describe("S11 — data_type contract (variants)", () => {
  const nTable = (contract: TSchemaContract) => {
    const s = new Schema("e15");
    s.updateTable({ name: "items", columns: {}, write_disposition: "append", schema_contract: contract });
    normalize(s, "items", [{ id: 1, n: 1 }]);
    return s;
  };
  const RUN = [{ id: 2, n: "abc" }, { id: 3, n: "5" }];

  it("freeze raises on the variant column", () => {
    const err = caught(() => normalize(nTable({ data_type: "freeze" }), "items", structuredClone(RUN)));
    expect(err).toMatchObject({ table_name: "items", column_name: "n__v_text", schema_entity: "data_type", contract_mode: "freeze" });
    expect(err.message).toContain(
      "In Table: `items` Column: `n__v_text` . Contract on `data_type` with `contract_mode=freeze` is violated. " +
        "Can't add variant column `n__v_text` for table `items` because `data_types` are frozen.",
    );
  });

  it("discard_row drops the row that needs a variant", () => {
    const s = nTable({ data_type: "discard_row" });
    const { rows } = normalize(s, "items", structuredClone(RUN));
    expect(pick(rows("items"), "id", "n")).toEqual([[3, 5]]);
    expect(columns(s, "items")).not.toContain("n__v_text");
  });

  it("discard_value stores NULL instead", () => {
    const s = nTable({ data_type: "discard_value" });
    const { rows } = normalize(s, "items", structuredClone(RUN));
    expect(pick(rows("items"), "id", "n")).toEqual([[2, null], [3, 5]]);
    expect(columns(s, "items")).not.toContain("n__v_text");
  });

  it("columns: freeze still allows variants (they are a data_type matter)", () => {
    const { rows } = normalize(nTable({ columns: "freeze" }), "items", structuredClone(RUN));
    expect(pick(rows("items"), "n", "n__v_text")).toEqual([[null, "abc"], [5, null]]);
  });
});

describe("S11 — tables contract on nested tables", () => {
  const aTable = (contract: TSchemaContract) => {
    const s = new Schema("e16");
    s.updateTable({ name: "a", columns: {}, write_disposition: "append" });
    normalize(s, "a", [{ id: 1 }]);
    s.tables.a.schema_contract = contract;
    return s;
  };

  it("freeze raises for a new child table", () => {
    const err = caught(() => normalize(aTable({ tables: "freeze" }), "a", [{ id: 2, kids: [{ k: 1 }] }]));
    expect(err).toMatchObject({ table_name: "a__kids", column_name: null, schema_entity: "tables", contract_mode: "freeze" });
    expect(err.message).toBe(
      "In schema `e16`: In Table: `a__kids`  . Contract on `tables` with `contract_mode=freeze` is violated. " +
        "Can't add table `a__kids` because `tables` are frozen.",
    );
  });

  it("discard_row loads the root row, drops child rows and does not create the table", () => {
    const s = aTable({ tables: "discard_row" });
    const { rows, tables } = normalize(s, "a", [{ id: 2, kids: [{ k: 1, deeper: [1] }] }, { id: 3, kids: [{ k: 2 }] }]);
    expect([...tables.keys()]).toEqual(["a"]);
    expect(pick(rows("a"), "id")).toEqual([[2], [3]]);
    expect(s.tables.a__kids).toBeUndefined();
    expect(s.tables.a__kids__deeper).toBeUndefined();
  });

  it("nested tables inherit the root's contract for columns", () => {
    const s = new Schema("e17");
    s.updateTable({ name: "a", columns: {}, write_disposition: "append", schema_contract: { columns: "discard_value" } });
    normalize(s, "a", [{ id: 1, kids: [{ k: 1 }] }]);
    const { rows } = normalize(s, "a", [{ id: 2, kids: [{ k: 2, extra: 1 }] }]);
    expect(pick(rows("a__kids"), "k", "extra")).toEqual([[2, null]]);
    expect(Object.keys(s.tables.a__kids.columns)).not.toContain("extra");
  });

  it("a discarded child row does not drop its parent; a discarded parent stops descent", () => {
    const s = new Schema("e18");
    s.updateTable({ name: "a", columns: {}, write_disposition: "append", schema_contract: { columns: "discard_row" } });
    normalize(s, "a", [{ id: 1, kids: [{ k: 1 }] }]);
    const { rows } = normalize(s, "a", [
      { id: 2, kids: [{ k: 2, extra: 1 }, { k: 3 }] },
      { id: 4, new_col: 1, kids: [{ k: 5 }] },
    ]);
    expect(pick(rows("a"), "id")).toEqual([[2]]);
    expect(pick(rows("a__kids"), "k")).toEqual([[3]]);
  });
});

describe("contract resolution", () => {
  it("the run() override wins over the table hint", () => {
    const s = itemsTable({ columns: "freeze" });
    const { rows } = normalize(s, "items", structuredClone(RUN2), "evolve");
    expect(pick(rows("items"), "extra")).toEqual([["x"], [null]]);
    const s2 = itemsTable();
    expect(caught(() => normalize(s2, "items", structuredClone(RUN2), { columns: "freeze" })).column_name).toBe("extra");
  });

  it("schema settings apply when no table sets a contract", () => {
    const s = itemsTable();
    s.settings.schema_contract = { columns: "discard_row" };
    const { rows } = normalize(s, "items", structuredClone(RUN2));
    expect(pick(rows("items"), "id")).toEqual([[3]]);
  });

  it("dlt's own tables always evolve, also under an override", () => {
    const s = new Schema("e19");
    s.updateTable(stateTableSchema());
    const { rows } = normalize(
      s, "_dlt_pipeline_state",
      [{ version: 1, engine_version: 4, pipeline_name: "p", state: "x", created_at: new Date(0), version_hash: "h" }],
      "freeze",
    );
    expect(rows("_dlt_pipeline_state")).toHaveLength(1);
    expect(Object.keys(s.tables._dlt_pipeline_state.columns)).toContain("_dlt_id");
  });

  it("a table is new only until its first columns exist (dlt's is_new_table)", () => {
    const s = new Schema("e20");
    s.updateTable({ name: "items", columns: {}, write_disposition: "append", schema_contract: { columns: "freeze" } });
    const err = caught(() => normalize(s, "items", [{ id: 1 }, { id: 2, extra: 1 }]));
    expect(err.column_name).toBe("extra");
  });

  it("tables: freeze on a root table that has only hints fails (dlt fails it at extract already)", () => {
    const s = new Schema("e21");
    s.updateTable({ name: "items", columns: {}, write_disposition: "append", schema_contract: "freeze" });
    expect(caught(() => normalize(s, "items", [{ id: 1 }])).schema_entity).toBe("tables");
  });
});
