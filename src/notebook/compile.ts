// The cell compiler: turns one code cell (TypeScript or JavaScript) into an async function that
// shares top-level bindings with the cells run before it. Pure text → text, so it runs in the
// worker and in Node (unit tests) alike.
//
// Shape of the output (everything before the cell's first line sits on ONE line, so a stack
// frame's line minus HEADER_LINES is the cell's own line):
//
//   (async function (__pb_scope, __pb_rt) { <prelude: earlier bindings, builtins, sync()>
//   <cell line 1>
//   ...
//   })
//   //# sourceURL=<url>
//
// Top-level declarations stay where they are (so `const`, TDZ and hoisting behave as in a
// module); a sync() function declared in the same scope copies them into the shared scope when
// the cell ends, even when it throws. The last expression statement becomes `return (...)`.
import { parse, type Node } from "acorn";
import MagicString from "magic-string";
import { transform } from "sucrase";

export type BindingKind = "const" | "let" | "var" | "function" | "class";
export type CellLanguage = "ts" | "js";

export interface DefinedSource {
  name: string;
  /** what the binding holds: a resource (also transformer), a source factory, or a built rest_api source */
  kind: "resource" | "source" | "transformer" | "rest_api";
}

export interface CompiledCell {
  /** JavaScript text that evaluates to `async (scope, rt) => lastValue` */
  code: string;
  declared: Array<{ name: string; kind: BindingKind }>;
  /** top-level `const x = dlt.resource/source/transformer(...)`: what the Load dialog offers */
  sources: DefinedSource[];
  /** names the cell reads or writes without declaring them: what it takes from earlier cells */
  used: string[];
  hasLastExpression: boolean;
}

export interface CompileOptions {
  language?: CellLanguage;
  /** bindings made by earlier cells, by name */
  scope?: ReadonlyMap<string, BindingKind>;
  /** names every cell sees without declaring them (dlt, console, display) */
  builtins?: readonly string[];
  /** names the cell in stack traces */
  url?: string;
}

export const HEADER_LINES = 1;

export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = "SyntaxError";
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function transpile(source: string, language: CellLanguage): string {
  if (language === "js") return source;
  try {
    // sucrase keeps every line where it was: error lines need no source map.
    return transform(source, { transforms: ["typescript"], disableESTransforms: true, keepUnusedImports: true }).code;
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const loc = err.loc ?? lineColumnFromMessage(err.message);
    throw new CellSyntaxError(err.message.replace(/\s*\(\d+:\d+\)\s*$/, ""), loc.line, loc.column);
  }
}

function lineColumnFromMessage(message: string): { line: number; column: number } {
  const m = /\((\d+):(\d+)\)/.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : { line: 1, column: 0 };
}

/** Every AST node below `node`, depth first (a small walker: acorn's nodes are plain objects). */
function* nodes(node: any): Generator<any> {
  if (!node || typeof node.type !== "string") return;
  yield node;
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) yield* nodes(c);
    else if (v && typeof v === "object" && typeof v.type === "string") yield* nodes(v);
  }
}

/** Names declared anywhere in the program: variables, parameters, functions, classes, catch. */
function boundAnywhere(program: any): Set<string> {
  const names: string[] = [];
  for (const n of nodes(program)) {
    if (n.type === "VariableDeclarator") patternNames(n.id, names);
    else if (n.type === "CatchClause") patternNames(n.param, names);
    else if (/Function|Class/.test(n.type)) {
      if (n.id) names.push(n.id.name);
      for (const p of n.params ?? []) patternNames(p, names);
    }
  }
  return new Set(names);
}

const SCOPES = /^(Program|BlockStatement|StaticBlock|SwitchStatement|CatchClause|ForStatement|ForInStatement|ForOfStatement|FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ClassExpression)$/;

/** `var` anywhere in a function body (not in nested functions): it belongs to the function. */
function hoistedVars(body: any, out: string[]): void {
  for (const n of nodes(body)) {
    if (n.type === "VariableDeclaration" && n.kind === "var") for (const d of n.declarations) patternNames(d.id, out);
  }
}

function declaredBy(node: any): Set<string> {
  const out: string[] = [];
  const statements = (list: any[]) => {
    for (const st of list ?? []) {
      if (st.type === "VariableDeclaration") for (const d of st.declarations) patternNames(d.id, out);
      else if ((st.type === "FunctionDeclaration" || st.type === "ClassDeclaration") && st.id) out.push(st.id.name);
    }
  };
  switch (node.type) {
    case "Program":
    case "BlockStatement":
    case "StaticBlock":
      statements(node.body);
      break;
    case "SwitchStatement":
      for (const c of node.cases) statements(c.consequent);
      break;
    case "CatchClause":
      patternNames(node.param, out);
      break;
    case "ForStatement":
      if (node.init?.type === "VariableDeclaration") statements([node.init]);
      break;
    case "ForInStatement":
    case "ForOfStatement":
      if (node.left.type === "VariableDeclaration") statements([node.left]);
      break;
    case "ClassExpression":
      if (node.id) out.push(node.id.name);
      break;
    default: // functions
      if (node.type === "FunctionExpression" && node.id) out.push(node.id.name);
      for (const p of node.params) patternNames(p, out);
      if (node.body?.type === "BlockStatement") {
        // nested functions' vars are theirs: only walk this body's own statements for `var`
        const own: string[] = [];
        hoistedVars({ ...node.body, body: node.body.body.filter((b: any) => !/Function/.test(b.type)) }, own);
        out.push(...own);
      }
  }
  return new Set(out);
}

/**
 * Names read or written that no scope inside the cell binds: what the cell takes from cells run
 * before it (and from globals). Property names, labels and declared names are not references.
 */
export function freeNames(program: any): string[] {
  const out = new Set<string>();
  const bound = (name: string, scopes: Set<string>[]) => scopes.some((s) => s.has(name));
  const pattern = (p: any, scopes: Set<string>[]): void => {
    if (!p) return;
    switch (p.type) {
      case "Identifier":
        return;
      case "ObjectPattern":
        for (const prop of p.properties) {
          if (prop.type === "RestElement") pattern(prop.argument, scopes);
          else {
            if (prop.computed) visit(prop.key, scopes);
            pattern(prop.value, scopes);
          }
        }
        return;
      case "ArrayPattern":
        for (const e of p.elements) pattern(e, scopes);
        return;
      case "RestElement":
        return pattern(p.argument, scopes);
      case "AssignmentPattern":
        pattern(p.left, scopes);
        return visit(p.right, scopes);
      default:
        return visit(p, scopes); // a member expression as an assignment target
    }
  };
  const visit = (node: any, scopes: Set<string>[]): void => {
    if (!node || typeof node.type !== "string") return;
    if (node.type === "Identifier") {
      if (!bound(node.name, scopes)) out.add(node.name);
      return;
    }
    const inner = SCOPES.test(node.type) ? [...scopes, declaredBy(node)] : scopes;
    switch (node.type) {
      case "VariableDeclarator":
        pattern(node.id, inner);
        return visit(node.init, inner);
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        for (const p of node.params) pattern(p, inner);
        return visit(node.body, inner);
      case "ClassDeclaration":
      case "ClassExpression":
        visit(node.superClass, inner);
        return visit(node.body, inner);
      case "CatchClause":
        pattern(node.param, inner);
        return visit(node.body, inner);
      case "MemberExpression":
        visit(node.object, inner);
        if (node.computed) visit(node.property, inner);
        return;
      case "Property":
      case "MethodDefinition":
      case "PropertyDefinition":
        if (node.computed) visit(node.key, inner);
        else if (node.shorthand && node.value?.type === "Identifier") return visit(node.value, inner);
        return visit(node.value, inner);
      case "LabeledStatement":
        return visit(node.body, inner);
      case "BreakStatement":
      case "ContinueStatement":
      case "MetaProperty":
        return;
    }
    for (const key of Object.keys(node)) {
      const v = node[key];
      if (Array.isArray(v)) for (const c of v) visit(c, inner);
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v, inner);
    }
  };
  visit(program, []);
  return [...out];
}

/** `x = ...`, `x += ...`, `x++` on the given names. */
function liveWrites(program: any, live: Set<string>): Array<{ start: number; end: number; name: string }> {
  const out: Array<{ start: number; end: number; name: string }> = [];
  for (const n of nodes(program)) {
    const target = n.type === "AssignmentExpression" ? n.left : n.type === "UpdateExpression" ? n.argument : undefined;
    if (target?.type === "Identifier" && live.has(target.name)) out.push({ start: n.start, end: n.end, name: target.name });
  }
  return out;
}

function patternNames(node: any, out: string[]): void {
  if (!node) return;
  switch (node.type) {
    case "Identifier":
      out.push(node.name);
      break;
    case "ObjectPattern":
      for (const p of node.properties) patternNames(p.type === "RestElement" ? p.argument : p.value, out);
      break;
    case "ArrayPattern":
      for (const e of node.elements) patternNames(e, out);
      break;
    case "RestElement":
      patternNames(node.argument, out);
      break;
    case "AssignmentPattern":
      patternNames(node.left, out);
      break;
  }
}

/** `dlt.resource(...)`, `dlt.source(...)(...)`-less forms, and `.with_name(...)`-style chains on them */
function dltFactoryKind(init: any): DefinedSource["kind"] | undefined {
  let node = init;
  while (node) {
    if (node.type === "AwaitExpression" || node.type === "ParenthesizedExpression") {
      node = node.argument ?? node.expression;
      continue;
    }
    if (node.type !== "CallExpression") return undefined;
    const callee = node.callee;
    // dlt.sources.rest_api_source(config) / rest_api_resources(config): ready to load as they are
    if (
      callee.type === "MemberExpression" &&
      !callee.computed &&
      ["rest_api_source", "rest_api_resources"].includes(callee.property.name) &&
      callee.object.type === "MemberExpression" &&
      !callee.object.computed &&
      callee.object.property.name === "sources" &&
      callee.object.object.type === "Identifier" &&
      callee.object.object.name === "dlt"
    ) {
      return "rest_api";
    }
    // dlt.sources.filesystem({...}).pipe(dlt.sources.read_csv()): a resource
    if (
      callee.type === "MemberExpression" &&
      !callee.computed &&
      callee.property.name === "filesystem" &&
      callee.object.type === "MemberExpression" &&
      !callee.object.computed &&
      callee.object.property.name === "sources" &&
      callee.object.object.type === "Identifier" &&
      callee.object.object.name === "dlt"
    ) {
      return "resource";
    }
    if (
      callee.type === "MemberExpression" &&
      callee.object.type === "Identifier" &&
      callee.object.name === "dlt" &&
      !callee.computed &&
      ["resource", "source", "transformer"].includes(callee.property.name)
    ) {
      return callee.property.name;
    }
    // resource.add_map(...).with_name(...) keeps it a resource; a call of a source factory makes a source
    if (callee.type === "MemberExpression") node = callee.object;
    else if (callee.type === "CallExpression") {
      const inner = dltFactoryKind(callee);
      return inner === "source" ? "source" : inner;
    } else return undefined;
  }
  return undefined;
}

export function compileCell(source: string, options: CompileOptions = {}): CompiledCell {
  const language = options.language ?? "ts";
  const scope = options.scope ?? new Map<string, BindingKind>();
  const builtins = options.builtins ?? [];
  const body = transpile(source, language);

  let program: any;
  try {
    program = parse(body, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowAwaitOutsideFunction: true,
      locations: true,
    });
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const msg = err.message.replace(/\s*\(\d+:\d+\)\s*$/, "");
    if (/'import' and 'export' may appear only/.test(msg)) {
      throw new CellSyntaxError(
        "import/export are not available in cells: `dlt` is already in scope, and bindings are shared between cells",
        err.loc?.line ?? 1,
        err.loc?.column ?? 0,
      );
    }
    throw new CellSyntaxError(msg, err.loc?.line ?? 1, err.loc?.column ?? 0);
  }

  const declared: CompiledCell["declared"] = [];
  const sources: DefinedSource[] = [];
  for (const stmt of program.body as any[]) {
    if (stmt.type === "VariableDeclaration") {
      for (const d of stmt.declarations) {
        const names: string[] = [];
        patternNames(d.id, names);
        for (const name of names) declared.push({ name, kind: stmt.kind });
        if (d.id.type === "Identifier") {
          const kind = dltFactoryKind(d.init);
          if (kind) sources.push({ name: d.id.name, kind });
        }
      }
    } else if (stmt.type === "FunctionDeclaration" && stmt.id) {
      declared.push({ name: stmt.id.name, kind: "function" });
    } else if (stmt.type === "ClassDeclaration" && stmt.id) {
      declared.push({ name: stmt.id.name, kind: "class" });
    }
  }
  const declaredNames = new Set(declared.map((d) => d.name));

  // Earlier bindings come in as locals; a cell that declares the same name gets its own.
  const consts: string[] = [];
  const lets: string[] = [];
  for (const [name, kind] of scope) {
    if (declaredNames.has(name) || !IDENT.test(name)) continue;
    (kind === "const" ? consts : lets).push(name);
  }
  const ownBuiltins = builtins.filter((b) => !declaredNames.has(b) && !scope.has(b));

  const syncLines: string[] = [];
  for (const name of lets) syncLines.push(`__pb_scope[${JSON.stringify(name)}] = ${name};`);
  for (const d of declared) {
    // const/let/class may still be in their temporal dead zone when the cell threw early.
    const tdz = d.kind === "const" || d.kind === "let" || d.kind === "class";
    const assign = `__pb_scope[${JSON.stringify(d.name)}] = ${d.name};`;
    syncLines.push(tdz ? `try { ${assign} } catch {}` : assign);
  }

  const out = new MagicString(body);
  // An assignment to an earlier cell's `let` reaches that cell's functions at once (a generator
  // defined there reads the new value while this cell still runs), unless a name is declared
  // again somewhere in this cell, where its end-of-cell sync covers it.
  const live = new Set(lets);
  for (const name of boundAnywhere(program)) live.delete(name);
  const writes = live.size ? liveWrites(program, live) : [];
  for (const w of writes.sort((a, b) => a.end - a.start - (b.end - b.start))) {
    // Inserts stick to the code they wrap, so removing the statement's parentheses keeps them.
    out.prependRight(w.start, "__pb_w(");
    out.appendLeft(w.end, `, () => ${w.name}, ${JSON.stringify(w.name)})`);
  }
  const last = program.body[program.body.length - 1] as Node & { expression?: Node; type: string } | undefined;
  const hasLastExpression = !!last && last.type === "ExpressionStatement";
  if (hasLastExpression && last?.expression) {
    // Whatever wraps the expression in the statement (parentheses, the semicolon) goes.
    if (last.start < last.expression.start) out.remove(last.start, last.expression.start);
    if (last.end > last.expression.end) out.remove(last.expression.end, last.end);
    out.prependRight(last.expression.start, "return (");
    out.appendLeft(last.expression.end, ");");
  }
  const text = out.toString();

  // Setters let a later cell's assignment reach this cell's closures (a generator reading `rows`).
  const mutable = declared.filter((d) => d.kind === "let" || d.kind === "var");
  const setters = mutable.map((d) => `${JSON.stringify(d.name)}: (__pb_v) => { ${d.name} = __pb_v; }`);

  const prelude = [
    ownBuiltins.length ? `const { ${ownBuiltins.join(", ")} } = __pb_rt.builtins;` : "",
    consts.length ? `const { ${consts.join(", ")} } = __pb_scope;` : "",
    lets.length ? `let { ${lets.join(", ")} } = __pb_scope;` : "",
    `function __pb_sync() { ${syncLines.join(" ")} }`,
    `__pb_rt.sync = __pb_sync;`,
    setters.length ? `__pb_rt.setters = { ${setters.join(", ")} };` : "",
    writes.length ? `const __pb_w = (v, get, name) => { __pb_rt.live?.(name, get()); return v; };` : "",
  ]
    .filter(Boolean)
    .join(" ");

  const url = options.url ?? "cell.js";
  const code = `(async function (__pb_scope, __pb_rt) { ${prelude}\n${text}\n})\n//# sourceURL=${url}`;
  return { code, declared, sources, used: freeNames(program), hasLastExpression };
}

export interface CellRuntime {
  builtins: Record<string, unknown>;
  sync?: () => void;
  /** an earlier cell's binding was assigned: share the value now */
  live?: (name: string, value: unknown) => void;
  /** assign the cell's own top-level let/var bindings from outside */
  setters?: Record<string, (value: unknown) => void>;
}

/** Evaluates a compiled cell against the shared scope; bindings are synced even on error. */
export async function runCompiled(
  compiled: CompiledCell,
  scope: Record<string, unknown>,
  rt: CellRuntime,
): Promise<unknown> {
  // Indirect eval: the cell sees globals, never this module's locals.
  const fn = (0, eval)(compiled.code) as (scope: Record<string, unknown>, rt: CellRuntime) => Promise<unknown>;
  try {
    return await fn(scope, rt);
  } finally {
    rt.sync?.();
  }
}

export interface CellLocation {
  line: number;
  column: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The cell line an error came from: the first stack frame in the cell's own code. */
export function errorLocation(error: unknown, url: string): CellLocation | undefined {
  if (error instanceof CellSyntaxError) return { line: error.line, column: error.column };
  const re = new RegExp(`${escapeRegExp(url)}:(\\d+):(\\d+)`);
  const seen = new Set<unknown>();
  let e: any = error;
  // The engine wraps a failing generator's error (PipelineStepFailed.exception, Error.cause).
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const m = typeof e.stack === "string" ? re.exec(e.stack) : null;
    if (m) return { line: Number(m[1]) - HEADER_LINES, column: Number(m[2]) };
    e = e.exception ?? e.cause;
  }
  return undefined;
}
