// CodeMirror 6 for cells: a quiet editor (no fold gutter, no active-line glare), TypeScript,
// SQL or markdown, and Jupyter's keys: Shift+Enter runs and moves on, Ctrl/Cmd+Enter runs in
// place, Alt+Enter runs and inserts a cell below, Esc leaves for command mode, and the arrows at
// the first or last line move into the neighbouring cell. Each editor keeps its own undo history.
// No auto-closing brackets: code typed or pasted key by key (tutorial steps, automation) must
// arrive exactly as written, and a stray auto-inserted `})` is a syntax error.
import { autocompletion, closeCompletion, completionKeymap, completionStatus } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { javascript, javascriptLanguage, typescriptLanguage } from "@codemirror/lang-javascript";
import { markdown } from "@codemirror/lang-markdown";
import { PostgreSQL, sql, type SQLNamespace } from "@codemirror/lang-sql";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { Compartment, EditorState, Prec, StateEffect, StateField, type Extension } from "@codemirror/state";
import { Decoration, EditorView, drawSelection, keymap, lineNumbers, placeholder, type DecorationSet } from "@codemirror/view";
import { dltCompletionSource } from "./completions.ts";

export type EditorLanguage = "ts" | "js" | "sql" | "markdown";

export interface EditorOptions {
  doc: string;
  language: EditorLanguage;
  readOnly: boolean;
  label: string;
  placeholder: string;
  sqlSchema: SQLNamespace;
  names: () => string[];
  onChange: (doc: string) => void;
  onRun: (how: RunHow) => void;
  onFocus: () => void;
  /** Esc: command mode */
  onEscape: () => void;
  /** the caret tried to leave the first (-1) or last (1) line */
  onLeave: (delta: -1 | 1) => void;
}

export type RunHow = "advance" | "in-place" | "insert";

/** Marks the line an error came from (1-based), or clears the mark (null). */
export const setErrorLine = StateEffect.define<number | null>();

const errorLineMark = Decoration.line({ class: "cm-error-line" });

const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    // Editing moves on from the error: the mark goes with the first change.
    if (tr.docChanged) marks = Decoration.none;
    for (const e of tr.effects) {
      if (!e.is(setErrorLine)) continue;
      const n = e.value;
      marks = n && n >= 1 && n <= tr.state.doc.lines ? Decoration.set([errorLineMark.range(tr.state.doc.line(n).from)]) : Decoration.none;
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export const languageSlot = new Compartment();
export const readOnlySlot = new Compartment();

export function languageExtension(language: EditorLanguage, schema: SQLNamespace, names: () => string[]): Extension {
  if (language === "sql") return sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true });
  if (language === "markdown") return markdown();
  const dlt = dltCompletionSource(names);
  return [
    javascript({ typescript: language === "ts" }),
    (language === "ts" ? typescriptLanguage : javascriptLanguage).data.of({ autocomplete: dlt }),
  ];
}

export function readOnlyExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

const theme = EditorView.theme({
  "&": { fontSize: "13.5px", backgroundColor: "transparent" },
  "&.cm-focused": { outline: "none" },
  ".cm-content": { fontFamily: "var(--mono)", padding: "10px 0", caretColor: "var(--accent)" },
  ".cm-gutters": { backgroundColor: "transparent", border: "none", color: "var(--faint)", fontFamily: "var(--mono)" },
  ".cm-lineNumbers .cm-gutterElement": { padding: "0 10px 0 12px", minWidth: "32px" },
  ".cm-tooltip-autocomplete": { fontFamily: "var(--mono)", fontSize: "12.5px" },
  ".cm-placeholder": { color: "var(--faint)", fontStyle: "italic" },
  ".cm-error-line": { backgroundColor: "var(--err-soft)", boxShadow: "inset 3px 0 0 var(--err)" },
});

export function createEditor(parent: HTMLElement, o: EditorOptions): EditorView {
  const runKeys = Prec.highest(
    keymap.of([
      { key: "Shift-Enter", run: (v) => (closeCompletion(v), o.onRun("advance"), true) },
      { key: "Mod-Enter", run: (v) => (closeCompletion(v), o.onRun("in-place"), true) },
      { key: "Alt-Enter", run: (v) => (closeCompletion(v), o.onRun("insert"), true) },
    ]),
  );
  // An open completion list keeps Esc and the arrows for itself.
  const idle = (v: EditorView) => completionStatus(v.state) === null;
  const leaveKeys = Prec.high(
    keymap.of([
      { key: "Escape", run: (v) => idle(v) && (o.onEscape(), true) },
      {
        key: "ArrowUp",
        run: (v) => {
          const sel = v.state.selection.main;
          if (!idle(v) || !sel.empty || v.state.doc.lineAt(sel.head).number !== 1) return false;
          o.onLeave(-1);
          return true;
        },
      },
      {
        key: "ArrowDown",
        run: (v) => {
          const sel = v.state.selection.main;
          if (!idle(v) || !sel.empty || v.state.doc.lineAt(sel.head).number !== v.state.doc.lines) return false;
          o.onLeave(1);
          return true;
        },
      },
    ]),
  );
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: o.doc,
      extensions: [
        runKeys,
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        autocompletion({ activateOnTypingDelay: 150 }),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        leaveKeys,
        languageSlot.of(languageExtension(o.language, o.sqlSchema, o.names)),
        readOnlySlot.of(readOnlyExtension(o.readOnly)),
        placeholder(o.placeholder),
        errorLineField,
        EditorView.contentAttributes.of({ "aria-label": o.label }),
        EditorView.lineWrapping,
        theme,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) o.onChange(u.state.doc.toString());
          if (u.focusChanged && u.view.hasFocus) o.onFocus();
          // A completion answered after focus left (typing delay) must not linger over another cell.
          if (!u.view.hasFocus && u.transactions.length) queueMicrotask(() => !u.view.hasFocus && closeCompletion(u.view));
        }),
      ],
    }),
  });
}
