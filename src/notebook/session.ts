// The bindings that code cells share: one session per worker life. Restarting the runtime
// starts a new, empty session, as restarting a Jupyter kernel does.
import { compileCell, runCompiled, type BindingKind, type CellLanguage, type CompiledCell } from "./compile.ts";

export interface RunResult {
  value: unknown;
  hasValue: boolean;
  compiled: CompiledCell;
}

export class CellSession {
  readonly scope: Record<string, unknown> = Object.create(null);
  private readonly kinds = new Map<string, BindingKind>();

  constructor(private readonly builtins: Record<string, unknown> = {}) {}

  get names(): string[] {
    return [...this.kinds.keys()];
  }

  compile(source: string, language: CellLanguage = "ts", url = "cell.js"): CompiledCell {
    return compileCell(source, { language, scope: this.kinds, builtins: Object.keys(this.builtins), url });
  }

  async run(source: string, options: { language?: CellLanguage; url?: string; builtins?: Record<string, unknown> } = {}): Promise<RunResult> {
    const compiled = this.compile(source, options.language, options.url);
    let value: unknown;
    try {
      value = await runCompiled(compiled, this.scope, { ...this.builtins, ...options.builtins });
    } finally {
      // A cell that throws halfway still defined what it reached (and only that).
      for (const d of compiled.declared) if (d.name in this.scope) this.kinds.set(d.name, d.kind);
    }
    return { value, hasValue: compiled.hasLastExpression && value !== undefined, compiled };
  }
}
