// Jupyter's command mode: with a cell selected (Esc leaves its editor), single keys act on cells.
// The same table feeds the keyboard help, so what it lists is what the keys do.
import type { NotebookController } from "./notebook.svelte.ts";

export interface Shortcut {
  keys: string[];
  what: string;
  mode: "edit" | "command" | "both";
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ["Shift+Enter"], what: "Run the cell and move to the next one (a new cell at the end)", mode: "both" },
  { keys: ["Ctrl/⌘+Enter"], what: "Run the cell in place", mode: "both" },
  { keys: ["Alt+Enter"], what: "Run the cell and insert a new cell below", mode: "both" },
  { keys: ["Esc"], what: "Command mode: leave the editor, keep the cell selected", mode: "edit" },
  { keys: ["↑ at the first line", "↓ at the last line"], what: "Move into the cell above / below", mode: "edit" },
  { keys: ["Enter"], what: "Edit the selected cell", mode: "command" },
  { keys: ["A", "B"], what: "Insert a cell above / below", mode: "command" },
  { keys: ["D D"], what: "Delete the selected cells", mode: "command" },
  { keys: ["Z"], what: "Undo the last cell deletion", mode: "command" },
  { keys: ["M", "Y"], what: "Change the cell to markdown / code", mode: "command" },
  { keys: ["↑", "↓", "K", "J"], what: "Select the cell above / below", mode: "command" },
  { keys: ["Shift+↑", "Shift+↓"], what: "Select several cells", mode: "command" },
  { keys: ["?"], what: "Show this list", mode: "command" },
];

/** Keys typed in editors, fields and buttons are theirs, not commands. */
function ownedByControl(target: EventTarget | null): boolean {
  return target instanceof Element && !!target.closest(".cm-editor, input, textarea, select, button, a, [contenteditable=true], [role=dialog]");
}

const DOUBLE_PRESS_MS = 700;

export class CommandKeys {
  private lastD = 0;

  constructor(
    private readonly nb: NotebookController,
    private readonly ui: { help: () => void },
  ) {}

  /** Handles a keydown in command mode; true when it was a command. */
  handle(e: KeyboardEvent): boolean {
    const nb = this.nb;
    if (ownedByControl(e.target) || !nb.nb || !nb.selected) return false;
    const id = nb.selected;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key;
    if (key !== "d" && key !== "D") this.lastD = 0;

    if (key === "Enter") {
      if (nb.readOnly) return false;
      if (e.shiftKey) for (const s of nb.selection.slice(0, -1)) void nb.run(s);
      if (e.shiftKey) nb.runAndAdvance(nb.selection[nb.selection.length - 1] ?? id, false);
      else if (mod) for (const s of nb.selection) void nb.run(s);
      else if (e.altKey) nb.runAndInsert(id);
      else nb.focusEditor(id);
      return true;
    }
    if (e.altKey || mod) return false;
    switch (key) {
      case "ArrowUp":
      case "k":
      case "K":
        nb.step(-1, e.shiftKey);
        return true;
      case "ArrowDown":
      case "j":
      case "J":
        nb.step(1, e.shiftKey);
        return true;
      case "?":
        this.ui.help();
        return true;
    }
    if (nb.readOnly) return false;
    switch (key.toLowerCase()) {
      case "a":
        nb.commandMode(nb.addAbove(id).id);
        return true;
      case "b":
        nb.commandMode(nb.add("code", nb.selection[nb.selection.length - 1] ?? id, "", { focus: false }).id);
        return true;
      case "d": {
        const now = performance.now();
        if (now - this.lastD < DOUBLE_PRESS_MS) {
          this.lastD = 0;
          nb.remove(nb.selection);
          nb.commandMode();
        } else this.lastD = now;
        return true;
      }
      case "z":
        if (nb.undoDelete()) nb.commandMode();
        return true;
      case "m":
        nb.setKind(id, "markdown");
        return true;
      case "y":
        nb.setKind(id, "code");
        return true;
    }
    return false;
  }
}
