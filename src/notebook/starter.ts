// What a person finds on first visit: the walkthrough of dlt's basics (opened), and an empty
// notebook to try things in.
import { newCell, newNotebook, type Notebook } from "./model.ts";
import { tutorialNotebook } from "./tutorial.ts";

function playground(): Notebook {
  return newNotebook("My first notebook", [
    newCell(
      "markdown",
      [
        "# A notebook of your own",
        "",
        "Code cells are TypeScript with `dlt` in scope; top-level bindings are shared with the cells below.",
        "**Shift+Enter** runs a cell and moves on, **Ctrl/Cmd+Enter** runs it in place. Data lands in DuckDB in this tab,",
        "kept in your browser, and **SQL** cells query it.",
      ].join("\n"),
    ),
    newCell("code"),
  ]);
}

/** The first-visit notebooks, the one to open first. */
export function firstVisitNotebooks(): Notebook[] {
  const tutorial = tutorialNotebook();
  const mine = playground();
  // The list shows the most recent first: the walkthrough leads.
  mine.updatedAt = tutorial.updatedAt - 1;
  return [tutorial, mine];
}
