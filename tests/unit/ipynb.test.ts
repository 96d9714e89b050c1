// .ipynb files and share links: nbformat 4 structure, round trips, and refusals of bad files.
import { describe, expect, it } from "vitest";
import { fromIpynb, ipynbText, NotebookFileError, toIpynb } from "../../src/notebook/ipynb.ts";
import { newCell, newNotebook, type Notebook } from "../../src/notebook/model.ts";
import { notebookFromShare, shareUrl } from "../../src/notebook/share.ts";
import { tutorialNotebook } from "../../src/notebook/tutorial.ts";

function sample(): Notebook {
  const md = newCell("markdown", "# Title\n\nSome *text*.\n");
  const code = newCell("code", "const data = [{ id: 1 }];\nconsole.log(data.length);\ndata");
  code.runCount = 3;
  code.outputs = [
    { type: "stream", name: "stdout", text: "1" },
    { type: "value", text: "[ { id: 1 } ]", table: { columns: ["id"], rows: [["1"]], total: 1 } },
    { type: "load", text: "Pipeline p load step completed", summary: { pipeline: "p", dataset: "d", tables: [{ name: "t", rows: 2 }], newColumns: [], failedJobs: [], loadIds: ["1"] } },
  ];
  const sql = newCell("sql", "select 1 as one");
  sql.runCount = 4;
  sql.outputs = [
    {
      type: "result",
      result: { id: "x", columns: [{ name: "one", type: "INTEGER", numeric: true }], rowCount: 1, head: [["1"]], elapsedMs: 2, paged: true },
    },
  ];
  const err = newCell("code", "throw new Error('<b>bad</b>')");
  err.outputs = [{ type: "error", name: "Error", message: "<b>bad</b>", line: 1 }];
  return newNotebook("A sample", [md, code, sql, err]);
}

/** The required keys and types of nbformat 4.5 (nbformat/v4/nbformat.v4.5.schema.json). */
function assertNbformat4(doc: any) {
  expect(doc.nbformat).toBe(4);
  expect(doc.nbformat_minor).toBeGreaterThanOrEqual(5);
  expect(typeof doc.metadata).toBe("object");
  expect(Array.isArray(doc.cells)).toBe(true);
  const ids = new Set<string>();
  for (const c of doc.cells) {
    expect(["code", "markdown", "raw"]).toContain(c.cell_type);
    expect(c.id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    expect(ids.has(c.id)).toBe(false);
    ids.add(c.id);
    expect(typeof c.metadata).toBe("object");
    expect(Array.isArray(c.source) && c.source.every((s: unknown) => typeof s === "string")).toBe(true);
    if (c.cell_type === "code") {
      expect(c.execution_count === null || Number.isInteger(c.execution_count)).toBe(true);
      expect(Array.isArray(c.outputs)).toBe(true);
      for (const o of c.outputs) {
        expect(["stream", "display_data", "execute_result", "error"]).toContain(o.output_type);
        if (o.output_type === "stream") {
          expect(["stdout", "stderr"]).toContain(o.name);
          expect(Array.isArray(o.text)).toBe(true);
        }
        if (o.output_type === "execute_result") {
          expect(o.execution_count === null || Number.isInteger(o.execution_count)).toBe(true);
          expect(typeof o.data).toBe("object");
          expect(typeof o.metadata).toBe("object");
        }
        if (o.output_type === "display_data") expect(typeof o.data).toBe("object");
        if (o.output_type === "error") {
          expect(typeof o.ename).toBe("string");
          expect(typeof o.evalue).toBe("string");
          expect(Array.isArray(o.traceback)).toBe(true);
        }
      }
    } else {
      expect(c.outputs).toBeUndefined();
      expect(c.execution_count).toBeUndefined();
    }
  }
}

describe(".ipynb files", () => {
  it("are nbformat 4.5 with TypeScript code cells, SQL marked in metadata, markdown as markdown", () => {
    const doc = JSON.parse(ipynbText(sample()));
    assertNbformat4(doc);
    expect(doc.metadata.kernelspec.language).toBe("typescript");
    expect(doc.metadata.pipebook.title).toBe("A sample");
    expect(doc.cells.map((c: any) => [c.cell_type, c.metadata.pipebook?.kind])).toEqual([
      ["markdown", undefined],
      ["code", "code"],
      ["code", "sql"],
      ["code", "code"],
    ]);
    expect(doc.cells[1].source).toEqual(["const data = [{ id: 1 }];\n", "console.log(data.length);\n", "data"]);
    // GitHub renders results from text/html; markup inside values is escaped
    expect(doc.cells[2].outputs[0].data["text/html"].join("")).toContain("<th>one</th>");
    expect(doc.cells[2].outputs[0].execution_count).toBe(4);
    expect(JSON.stringify(doc.cells[3].outputs)).not.toContain("<b>bad</b></td>");
  });

  it("round trip: save then open gives the same cells and outputs", () => {
    const nb = sample();
    const back = fromIpynb(ipynbText(nb));
    expect(back.title).toBe("A sample");
    expect(back.id).not.toBe(nb.id);
    expect(back.cells.map((c) => [c.id, c.kind, c.source])).toEqual(nb.cells.map((c) => [c.id, c.kind, c.source]));
    expect(back.cells[1].outputs).toEqual(nb.cells[1].outputs);
    expect(back.cells[2].outputs).toEqual([{ ...nb.cells[2].outputs[0], stale: true }]);
    const bare = fromIpynb(ipynbText(nb, { outputs: false }));
    expect(bare.cells.every((c) => c.outputs.length === 0)).toBe(true);
  });

  it("opens Jupyter notebooks written elsewhere", () => {
    const jupyter = {
      nbformat: 4,
      nbformat_minor: 2,
      metadata: { kernelspec: { name: "python3", language: "python" } },
      cells: [
        { cell_type: "markdown", metadata: {}, source: "# From Jupyter" },
        { cell_type: "code", metadata: {}, execution_count: 1, source: ["print(1)"], outputs: [{ output_type: "stream", name: "stdout", text: ["1\n"] }] },
        { cell_type: "raw", metadata: {}, source: "raw text" },
      ],
    };
    const nb = fromIpynb(JSON.stringify(jupyter), "notebook.ipynb");
    expect(nb.title).toBe("notebook.ipynb");
    expect(nb.cells.map((c) => c.kind)).toEqual(["markdown", "code", "markdown"]);
    expect(nb.cells[1].outputs).toEqual([{ type: "stream", name: "stdout", text: "1" }]);
    expect(new Set(nb.cells.map((c) => c.id)).size).toBe(3);
  });

  it("refuse what is not a notebook, saying why", () => {
    const bad: Array<[string, RegExp]> = [
      ["{ not json", /not valid JSON/],
      ["[]", /JSON object/],
      ['{"cells": []}', /`nbformat` is missing/],
      ['{"nbformat": 3, "cells": []}', /nbformat 4/],
      ['{"nbformat": 4, "cells": {}}', /`cells` must be a list/],
      ['{"nbformat": 4, "cells": [{"cell_type": "widget", "source": ""}]}', /cell 1 has an unknown cell_type/],
      ['{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}', /cell 1: `source` must be/],
    ];
    for (const [text, message] of bad) {
      expect(() => fromIpynb(text)).toThrow(NotebookFileError);
      expect(() => fromIpynb(text)).toThrow(message);
    }
  });
});

describe("share links", () => {
  it("carry the cells inside the URL fragment and open as the same cells", () => {
    const nb = sample();
    const url = shareUrl(nb, "http://127.0.0.1:5173/?x=1#/nb/abc");
    expect(url.startsWith("http://127.0.0.1:5173/?x=1#share=")).toBe(true);
    const back = notebookFromShare(new URL(url).hash);
    expect(back.cells.map((c) => [c.kind, c.source])).toEqual(nb.cells.map((c) => [c.kind, c.source]));
    expect(back.cells.every((c) => c.outputs.length === 0)).toBe(true);
  });

  it("a damaged link is refused", () => {
    expect(() => notebookFromShare("#share=AAAA")).toThrow(/damaged/);
  });

  it("the tutorial fits in one", () => {
    const url = shareUrl(tutorialNotebook(), "http://127.0.0.1:5173/");
    expect(url.length).toBeLessThan(32_000);
    assertNbformat4(toIpynb(tutorialNotebook()));
  });
});

describe("load and warning outputs in .ipynb", () => {
  it("a load's plain text is one line; LoadInfo itself rides in pipebook's MIME and comes back", () => {
    const nb = sample();
    nb.cells[1].outputs.push({ type: "warning", text: "merge table t has no primary key" });
    const doc = toIpynb(nb);
    const outs = doc.cells[1].outputs as any[];
    expect(outs[2].data["text/plain"]).toEqual(["Pipeline p: 2 row(s) loaded into d"]);
    expect(outs[3].data["text/plain"]).toEqual(["Warning: merge table t has no primary key"]);
    const back = fromIpynb(JSON.stringify(doc));
    expect(back.cells[1].outputs[2]).toEqual(nb.cells[1].outputs[2]);
    expect(back.cells[1].outputs[3]).toEqual({ type: "warning", text: "merge table t has no primary key" });
  });
});
