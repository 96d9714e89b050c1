import { describe, expect, it } from "vitest";
import { isQuery, splitStatements, writes } from "../../src/notebook/sql.ts";

describe("SQL cells: statements", () => {
  it("splits on semicolons outside quotes and comments", () => {
    const sql = `create table t as select 'a;b' as "x;y"; -- a ; comment\ninsert into t values ('it''s; fine'); /* ; */ select * from t;`;
    expect(splitStatements(sql).map((s) => s.trim())).toEqual([
      `create table t as select 'a;b' as "x;y"`,
      `-- a ; comment\ninsert into t values ('it''s; fine')`,
      `/* ; */ select * from t`,
    ]);
  });

  it("drops empty statements and comment-only tails", () => {
    expect(splitStatements("select 1;;  \n-- done\n")).toEqual(["select 1"]);
  });

  it("knows which statements give rows to page through, and which write", () => {
    expect(isQuery("  -- top\nSELECT 1")).toBe(true);
    expect(isQuery("with x as (select 1) select * from x")).toBe(true);
    expect(isQuery("from mydata.load_dict")).toBe(true);
    expect(isQuery("show tables")).toBe(false);
    expect(isQuery("insert into t values (1)")).toBe(false);
    expect(writes("INSERT into t values (1)")).toBe(true);
    expect(writes("select 1")).toBe(false);
  });
});
