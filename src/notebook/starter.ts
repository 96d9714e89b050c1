// What a person finds on first visit: an empty notebook ready for their first cell (opened),
// and the lesson's first example as its own notebook in the list.
import { newCell, newNotebook, type Notebook } from "./model.ts";

const LESSON = [
  `const data = [{ id: 1, name: "Alice" }, { id: 2, name: "Bob" }];`,
  `const simple_source = dlt.source(function simple_source() {`,
  `  const load_dict = dlt.resource(function* load_dict() { yield data; });`,
  `  return load_dict;`,
  `});`,
  `const pipeline = dlt.pipeline({ pipeline_name: "simple_pipeline", destination: dlt.destinations.duckdb(), dataset_name: "mydata" });`,
  `const load_info = await pipeline.run(simple_source(), { write_disposition: "replace" });`,
  `console.log(String(load_info));`,
].join("\n");

export function firstNotebook(): Notebook {
  return newNotebook("My first notebook", [
    newCell(
      "markdown",
      [
        "# Load data with dlt, in your browser",
        "",
        "Code cells are TypeScript with `dlt` in scope; top-level bindings are shared with the cells below.",
        "**Shift+Enter** runs a cell and moves on, **Ctrl/Cmd+Enter** runs it in place. Data lands in DuckDB in this tab,",
        "kept in your browser, and **SQL** cells query it.",
        "",
        "Write your first pipeline in the cell below, or open **Lesson: your first pipeline** from the list on the left.",
      ].join("\n"),
    ),
    newCell("code"),
  ]);
}

export function lessonNotebook(): Notebook {
  return newNotebook("Lesson: your first pipeline", [
    newCell("markdown", "# Your first pipeline\n\nThe lesson's first example: a source with one resource, loaded into `mydata.load_dict`."),
    newCell("code", LESSON),
    newCell("sql", "select * from mydata.load_dict"),
    newCell("markdown", "Open **Data** on the right to browse datasets and tables, and **Pipelines** for state and load history."),
  ]);
}
