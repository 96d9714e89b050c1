// The notebook a person finds on first visit: the lesson's first example, ready to run.
import { newCell, newNotebook, type Notebook } from "./model.ts";

export function starterNotebook(): Notebook {
  return newNotebook("Getting started with dlt", [
    newCell(
      "markdown",
      [
        "# Load data with dlt, in your browser",
        "",
        "Code cells are TypeScript with `dlt` in scope; their top-level bindings are shared with the cells below.",
        "Run a cell with **Shift+Enter** (and move on) or **Ctrl/Cmd+Enter** (stay). Data lands in DuckDB in this tab,",
        "stored in your browser, and the **SQL** cells query it.",
      ].join("\n"),
    ),
    newCell(
      "code",
      [
        `const data = [{ id: 1, name: "Alice" }, { id: 2, name: "Bob" }];`,
        `const simple_source = dlt.source(function simple_source() {`,
        `  const load_dict = dlt.resource(function* load_dict() { yield data; });`,
        `  return load_dict;`,
        `});`,
        `const pipeline = dlt.pipeline({ pipeline_name: "simple_pipeline", destination: dlt.destinations.duckdb(), dataset_name: "mydata" });`,
        `const load_info = await pipeline.run(simple_source(), { write_disposition: "replace" });`,
        `console.log(String(load_info));`,
      ].join("\n"),
    ),
    newCell("sql", "select * from mydata.load_dict"),
    newCell("markdown", "Open **Data** on the right to browse datasets and tables, and **Pipelines** for state and load history."),
  ]);
}
