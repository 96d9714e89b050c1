// The bindings that code cells share: one session per worker life. Restarting the runtime
// starts a new, empty session, as restarting a Jupyter kernel does.
import { compileCell, runCompiled, type BindingKind, type CellLanguage, type CellRuntime, type CompiledCell } from "./compile.ts";

export interface RunResult {
  value: unknown;
  hasValue: boolean;
  compiled: CompiledCell;
}

export class CellSession {
  readonly scope: Record<string, unknown> = Object.create(null);
  private readonly kinds = new Map<string, BindingKind>();
  /** for each let/var, the cell that declared it: assigning there keeps its closures current */
  private readonly setters = new Map<string, (value: unknown) => void>();

  constructor(private readonly builtins: Record<string, unknown> = {}) {}

  get names(): string[] {
    return [...this.kinds.keys()];
  }

  compile(source: string, language: CellLanguage = "ts", url = "cell.js"): CompiledCell {
    return compileCell(source, { language, scope: this.kinds, builtins: Object.keys(this.builtins), url });
  }

  /** Runs a cell; `compiled` is this source already compiled (by compile()), so it isn't again. */
  async run(
    source: string,
    options: { language?: CellLanguage; url?: string; builtins?: Record<string, unknown>; compiled?: CompiledCell } = {},
  ): Promise<RunResult> {
    const compiled = options.compiled ?? this.compile(source, options.language, options.url);
    const declared = new Set(compiled.declared.map((d) => d.name));
    const before = new Map<string, unknown>();
    for (const [name, kind] of this.kinds) if (!declared.has(name) && kind !== "const") before.set(name, this.scope[name]);
    const rt: CellRuntime = {
      builtins: { ...this.builtins, ...options.builtins },
      live: (name, value) => {
        this.scope[name] = value;
        this.setters.get(name)?.(value);
      },
    };
    let value: unknown;
    try {
      value = await runCompiled(compiled, this.scope, rt);
    } finally {
      // A cell that throws halfway still defined what it reached (and only that).
      for (const d of compiled.declared) {
        if (!(d.name in this.scope)) continue;
        this.kinds.set(d.name, d.kind);
        const set = rt.setters?.[d.name];
        if (set) this.setters.set(d.name, set);
        else this.setters.delete(d.name);
      }
      for (const [name, old] of before) {
        if (this.scope[name] === old) continue;
        try {
          this.setters.get(name)?.(this.scope[name]);
        } catch {
          /* the declaring cell never reached its declaration */
        }
      }
    }
    return { value, hasValue: compiled.hasLastExpression && value !== undefined, compiled };
  }
}
