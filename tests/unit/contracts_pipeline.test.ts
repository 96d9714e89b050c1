// Schema contracts through pipeline.run on real DuckDB-WASM (reference §4.7; S10, S11): the
// verified outcomes, where each failure is raised, and that loaded data stays untouched.
import { describe, expect, it } from "vitest";
import { columnsOf, dlt, newPipeline } from "./helpers.ts";

type Row = Record<string, unknown>;
const items = (rows: Row[], options: Record<string, unknown> = {}) => dlt.resource(rows, { name: "items", ...options });

async function seeded() {
  const p = newPipeline();
  await p.run(items([{ id: 1, name: "a" }]));
  return p;
}

const table = async (p: dlt.Pipeline, cols = "id, name") => p.query(`select ${cols} from ds.items order by id`);

describe("columns contract (verified outcomes)", () => {
  const second = [{ id: 2, name: "b", extra: "x" }, { id: 3, name: "c" }];

  it("freeze fails at normalize with dlt's DataValidationError and leaves the table as it was", async () => {
    const p = await seeded();
    const err = await p.run(items(second), { schema_contract: { columns: "freeze" } }).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("normalize");
    expect(err.exception).toBeInstanceOf(dlt.NormalizeJobFailed);
    const dve = err.exception.__context__;
    expect(dve).toBeInstanceOf(dlt.DataValidationError);
    expect([dve.schema_name, dve.table_name, dve.column_name, dve.schema_entity, dve.contract_mode]).toEqual([p.default_schema_name, "items", "extra", "columns", "freeze"]);
    expect(dve.message).toContain(
      `In schema \`${p.default_schema_name}\`: In Table: \`items\` Column: \`extra\` . Contract on \`columns\` with \`contract_mode=freeze\` is violated. Can't add table column \`extra\` to table \`items\` because \`columns\` are frozen. Offending data item: _dlt_id:`,
    );
    expect(await table(p)).toEqual([{ id: 1, name: "a" }]);
    expect(await columnsOf(p, "items")).not.toContain("extra VARCHAR");
    // the package stays pending: the next run retries it instead of extracting
    expect(p.has_pending_data).toBe(true);
    await p.drop_pending_packages();
  });

  it("discard_row drops the violating rows; discard_value drops the value; evolve adds the column", async () => {
    const dr = await seeded();
    await dr.run(items(second), { schema_contract: { columns: "discard_row" } });
    expect(await table(dr)).toEqual([{ id: 1, name: "a" }, { id: 3, name: "c" }]);
    expect((await columnsOf(dr, "items")).some((c) => c.startsWith("extra"))).toBe(false);

    const dv = await seeded();
    await dv.run(items(second), { schema_contract: { columns: "discard_value" } });
    expect(await table(dv)).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }, { id: 3, name: "c" }]);
    expect((await columnsOf(dv, "items")).some((c) => c.startsWith("extra"))).toBe(false);

    const ev = await seeded();
    await ev.run(items(second));
    expect(await table(ev, "id, name, extra")).toEqual([
      { id: 1, name: "a", extra: null },
      { id: 2, name: "b", extra: "x" },
      { id: 3, name: "c", extra: null },
    ]);
  });
});

describe("data_type contract (verified outcomes)", () => {
  const seed = async () => {
    const p = newPipeline();
    await p.run(items([{ id: 1, n: 1 }]));
    return p;
  };
  const next = [{ id: 2, n: "abc" }, { id: 3, n: "5" }];

  it("freeze, discard_row, discard_value", async () => {
    const fz = await seed();
    const err = await fz.run(items(next), { schema_contract: { data_type: "freeze" } }).catch((e) => e);
    expect(err.step).toBe("normalize");
    expect(String(err.exception.message)).toContain("Can't add variant column `n__v_text` for table `items` because `data_types` are frozen");
    await fz.drop_pending_packages();

    const dr = await seed();
    await dr.run(items(next), { schema_contract: { data_type: "discard_row" } });
    expect(await dr.query("select id, n from ds.items order by id")).toEqual([{ id: 1, n: 1 }, { id: 3, n: 5 }]);

    const dv = await seed();
    await dv.run(items(next), { schema_contract: { data_type: "discard_value" } });
    expect(await dv.query("select id, n from ds.items order by id")).toEqual([{ id: 1, n: 1 }, { id: 2, n: null }, { id: 3, n: 5 }]);
  });
});

describe("tables contract", () => {
  it("freeze on a brand-new table fails at extract; on a new child table at normalize; discard_row keeps the root row", async () => {
    const p = newPipeline();
    const err = await p.run(items([{ id: 1 }]), { schema_contract: { tables: "freeze" } }).catch((e) => e);
    expect(err.step).toBe("extract");
    expect(String(err.exception?.message ?? err.message)).toContain("Can't add table `items` because `tables` are frozen");

    const q = newPipeline();
    await q.run(dlt.resource([{ id: 1 }], { name: "a" }));
    const child = await q.run(dlt.resource([{ id: 2, kids: [{ k: 1 }] }], { name: "a" }), { schema_contract: { tables: "freeze" } }).catch((e) => e);
    expect(child.step).toBe("normalize");
    expect(String(child.exception.message)).toContain("Can't add table `a__kids` because `tables` are frozen.");
    await q.drop_pending_packages();
    await q.run(dlt.resource([{ id: 2, kids: [{ k: 1 }] }], { name: "a" }), { schema_contract: { tables: "discard_row" } });
    expect(await q.query("select id from ds.a order by id")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await q.query("select table_name from information_schema.tables where table_schema = 'ds' and table_name = 'a__kids'")).toEqual([]);
  });
});

describe("where a contract comes from", () => {
  it("run() wins over the resource, the resource over the source", async () => {
    const p = await seeded();
    const frozen = (rows: Row[]) => items(rows, { schema_contract: { columns: "freeze" } });
    await p.run(frozen([{ id: 2, name: "b", extra: "x" }]), { schema_contract: { columns: "discard_value" } });
    expect(await table(p)).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }]);

    const src = dlt.source(
      function contracted() {
        return items([{ id: 3, name: "c", other: 1 }], { schema_contract: { columns: "discard_row" } });
      },
      { schema_contract: { columns: "freeze" } },
    );
    const q = newPipeline();
    await q.run(src());
    await q.run(
      dlt.source(function contracted() {
        return items([{ id: 4, name: "d", newcol: 2 }, { id: 5, name: "e" }], { schema_contract: { columns: "discard_row" } });
      }, { schema_contract: { columns: "freeze" } })(),
    );
    expect(await q.query("select id from ds.items order by id")).toEqual([{ id: 3 }, { id: 5 }]);
  });
});
