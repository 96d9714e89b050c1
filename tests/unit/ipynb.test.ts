// .ipynb files and share links: nbformat 4 structure, round trips, and refusals of bad files.
import "fake-indexeddb/auto";
import { Deflate, deflateSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { fromIpynb, ipynbText, NotebookFileError, readIpynb, toIpynb } from "../../src/notebook/ipynb.ts";
import { newCell, newNotebook, type Notebook } from "../../src/notebook/model.ts";
import { MAX_SHARE_NOTEBOOK_BYTES, notebookFromShare, shareUrl } from "../../src/notebook/share.ts";
import { loadNotebook, saveNotebook } from "../../src/notebook/store.ts";
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
    const { notebook: back, warnings } = notebookFromShare(new URL(url).hash);
    expect(warnings).toEqual([]);
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

/** A `#share=` fragment holding exactly `bytes`, deflated (as shareUrl does for real notebooks). */
function shareFragment(bytes: Uint8Array): string {
  return "#share=" + b64url(deflateSync(bytes, { level: 9 }));
}

function b64url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A notebook file whose code cell carries one good output and every kind of broken one. */
function withBrokenOutputs() {
  const good = { output_type: "stream", name: "stdout", text: ["fine\n"] };
  const result = (r: unknown) => ({ output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": ["x"], "application/vnd.pipebook.result+json": r } });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { pipebook: { title: "Broken outputs" } },
    cells: [
      { cell_type: "markdown", id: "m1", metadata: {}, source: "# Still here" },
      {
        cell_type: "code",
        id: "c1",
        metadata: {},
        source: "console.log('fine')",
        execution_count: 1,
        outputs: [
          good,
          result({ id: "r", rowCount: 1, head: [["1"]], elapsedMs: 1, paged: true }),
          result({ id: "r", columns: [{ name: "a", type: "INTEGER", numeric: true }], rowCount: 1, head: [["1", "2"]], elapsedMs: 1, paged: true }),
          { output_type: "display_data", metadata: {}, data: { "text/plain": ["loaded"], "application/vnd.pipebook.load+json": { pipeline: "p", dataset: "d" } } },
          { output_type: "execute_result", metadata: {}, data: { "text/plain": ["v"], "application/vnd.pipebook.value+json": { columns: ["a"], rows: ["1"], total: 1 } } },
          { output_type: "display_data", metadata: {}, data: { "application/vnd.pipebook.check+json": { ok: true } } },
          { output_type: "stream", name: "stdout", text: 42 },
          "not an output",
          { output_type: "display_data", metadata: {}, data: "text" },
        ],
      },
      { cell_type: "code", id: "c2", metadata: { pipebook: { kind: "sql" } }, source: "select 1", outputs: { bad: true } },
    ],
  };
}

const BROKEN_WARNINGS = [
  "Cell 2, output 2: dropped because its query result (`application/vnd.pipebook.result+json`) is malformed",
  "Cell 2, output 3: dropped because its query result (`application/vnd.pipebook.result+json`) is malformed",
  "Cell 2, output 4: dropped because its load summary (`application/vnd.pipebook.load+json`) is malformed",
  "Cell 2, output 5: dropped because its value table (`application/vnd.pipebook.value+json`) is malformed",
  "Cell 2, output 6: dropped because its check (`application/vnd.pipebook.check+json`) is malformed",
  "Cell 2, output 7: dropped because its stream `text` is not text",
  "Cell 2, output 8: dropped because it is not an object",
  "Cell 2, output 9: dropped because its `data` is not an object",
  "Cell 3: its `outputs` is not a list and was dropped",
];

describe("notebook files with malformed outputs (issue 10, point 8)", () => {
  it("open with the bad outputs dropped and a warning for each", () => {
    const { notebook, warnings } = readIpynb(JSON.stringify(withBrokenOutputs()), "broken.ipynb");
    expect(warnings).toEqual(BROKEN_WARNINGS);
    expect(notebook.title).toBe("Broken outputs");
    expect(notebook.cells.map((c) => [c.kind, c.source])).toEqual([
      ["markdown", "# Still here"],
      ["code", "console.log('fine')"],
      ["sql", "select 1"],
    ]);
    expect(notebook.cells[1].outputs).toEqual([{ type: "stream", name: "stdout", text: "fine" }]);
    expect(notebook.cells[2].outputs).toEqual([]);
  });

  it("what opened saves (autosave) and downloads, and reads back the same", async () => {
    const mem = new Map<string, string>();
    (globalThis as { localStorage?: unknown }).localStorage ??= {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
      removeItem: (k: string) => void mem.delete(k),
    };
    const { notebook } = readIpynb(JSON.stringify(withBrokenOutputs()));
    await saveNotebook(notebook);
    const stored = await loadNotebook(notebook.id);
    expect(stored?.cells.map((c) => c.outputs)).toEqual(notebook.cells.map((c) => c.outputs));
    const again = readIpynb(ipynbText(stored!));
    expect(again.warnings).toEqual([]);
    expect(again.notebook.cells.map((c) => [c.kind, c.source, c.outputs])).toEqual(notebook.cells.map((c) => [c.kind, c.source, c.outputs]));
  });

  it("lists at most ten dropped outputs, then counts the rest", () => {
    const doc = { nbformat: 4, cells: [{ cell_type: "code", source: "", outputs: Array.from({ length: 25 }, () => 7) }] };
    const { warnings } = readIpynb(JSON.stringify(doc));
    expect(warnings).toHaveLength(11);
    expect(warnings[9]).toBe("Cell 1, output 10: dropped because it is not an object");
    expect(warnings[10]).toBe("… and 15 more outputs dropped");
  });

  it("a share link with malformed outputs opens the same way", () => {
    const { notebook, warnings } = notebookFromShare(shareFragment(strToU8(JSON.stringify(withBrokenOutputs()))));
    expect(warnings).toEqual(BROKEN_WARNINGS);
    expect(notebook.cells).toHaveLength(3);
  });

  it("a share link is refused before it inflates past the cap", () => {
    // 300 MB of zeros in a ~400 KB link: one sync-flushed deflate block of 1 MB of zeros
    // (self-contained and byte-aligned) repeated 300 times, then an empty final block.
    const parts: Uint8Array[] = [];
    const deflate = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
    deflate.push(new Uint8Array(1024 * 1024));
    deflate.flush(true);
    const block = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (block.set(p, at), at + p.length), 0);
    const bytes = new Uint8Array(block.length * 300 + 5);
    for (let i = 0; i < 300; i++) bytes.set(block, i * block.length);
    bytes.set([1, 0, 0, 0xff, 0xff], block.length * 300);
    const link = "#share=" + b64url(bytes);
    expect(link.length).toBeGreaterThan(300_000);
    expect(link.length).toBeLessThan(500_000);

    const before = process.memoryUsage().arrayBuffers;
    let err: unknown;
    try {
      notebookFromShare(link);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotebookFileError);
    expect((err as Error).message).toBe(
      "This share link holds more than 8 MB of notebook, the most a link may carry: ask for the .ipynb file instead",
    );
    expect(MAX_SHARE_NOTEBOOK_BYTES).toBe(8 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("a notebook just under the cap still opens from a link", () => {
    const big = newNotebook("Big", [newCell("markdown", "x".repeat(MAX_SHARE_NOTEBOOK_BYTES - 4096))]);
    const { notebook, warnings } = notebookFromShare(shareFragment(strToU8(JSON.stringify(toIpynb(big, { outputs: false })))));
    expect(warnings).toEqual([]);
    expect(notebook.cells[0].source.length).toBe(MAX_SHARE_NOTEBOOK_BYTES - 4096);
  });

  it("a link cut short is still called damaged", () => {
    const full = shareUrl(newNotebook("T", [newCell("code", "const a = 1;".repeat(200))]), "http://127.0.0.1/");
    expect(() => notebookFromShare(new URL(full).hash.slice(0, 60))).toThrow(/damaged/);
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
