// The result table's row cache: what it shows from the rows a result carries, and what it fetches.
import { describe, expect, it } from "vitest";
import { PAGE, RowWindows } from "../../src/app/outputs/windows.ts";
import { HEAD_ROWS } from "../../src/notebook/sql.ts";

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => [String(from + i)]);

describe("RowWindows", () => {
  it("shows a head shorter than a page when nothing can be fetched (streaming, or opened from a file)", () => {
    const w = new RowWindows(1_000_000, rows(0, 200), undefined, () => undefined);
    expect(w.row(0)).toEqual(["0"]);
    expect(w.row(199)).toEqual(["199"]);
    expect(w.row(200)).toBeUndefined();
  });

  it("takes the head's whole pages and fetches the rest", async () => {
    const asked: number[] = [];
    let loaded = 0;
    const w = new RowWindows(1_000_000, rows(0, HEAD_ROWS), async (offset, limit) => (asked.push(offset), rows(offset, limit)), () => loaded++);
    expect(HEAD_ROWS % PAGE).toBe(0);
    expect(w.row(0)).toEqual(["0"]);
    expect(w.row(PAGE - 1)).toEqual([String(PAGE - 1)]);
    expect(asked).toEqual([]);
    expect(w.row(5000)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([Math.floor(5000 / PAGE) * PAGE]);
    expect(loaded).toBe(1);
    expect(w.row(5000)).toEqual(["5000"]);
  });
});
