/**
 * Go-template-like `--format` strings, as docker takes them: `{{.State.ExitCode}}`,
 * `{{json .State}}`, `{{index .Config.Labels "key"}}`, `{{upper .Name}}`, `table {{.ID}}\t{{.Names}}`.
 * Only actions that print a value are supported (no `if`/`range`).
 * @module
 */

/** A compiled template. */
export interface Template {
  /** True when the format started with `table` (print a header and align columns). */
  table: boolean;
  /** Renders one value. */
  render(data: unknown): string;
  /** The header row of a `table` template: each field's name in capitals. */
  header(names?: Record<string, string>): string;
}

type Node = { kind: 'text'; text: string } | { kind: 'action'; src: string; expr: Expr };
type Expr = { fn: string | null; args: Arg[] };
type Arg = { kind: 'path'; path: string[] } | { kind: 'string'; value: string } | { kind: 'number'; value: number }
  | { kind: 'expr'; expr: Expr };

const FUNCS = new Set(['json', 'upper', 'lower', 'title', 'join', 'index', 'len', 'println', 'pad', 'truncate']);

/**
 * Compiles a format. `\t` and `\n` written literally (as a shell passes them) become a tab and
 * a newline, as in docker.
 * @throws {SyntaxError} for an unclosed or unsupported action
 */
export function compileTemplate(format: string): Template {
  let f = format.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  let table = false;
  if (/^table(\s|$)/.test(f)) {
    table = true;
    f = f.replace(/^table\s*/, '');
  }
  const nodes: Node[] = [];
  let i = 0;
  while (i < f.length) {
    const open = f.indexOf('{{', i);
    if (open < 0) { nodes.push({ kind: 'text', text: f.slice(i) }); break; }
    if (open > i) nodes.push({ kind: 'text', text: f.slice(i, open) });
    const close = f.indexOf('}}', open + 2);
    if (close < 0) throw new SyntaxError(`template: unclosed action in "${format}"`);
    const src = f.slice(open + 2, close).trim().replace(/^-\s*/, '').replace(/\s*-$/, '');
    nodes.push({ kind: 'action', src, expr: parseExpr(src) });
    i = close + 2;
  }
  return {
    table,
    render: (data) => nodes.map((n) => n.kind === 'text' ? n.text : goString(evaluate(n.expr, data))).join(''),
    header: (names = {}) => nodes.map((n) => {
      if (n.kind === 'text') return n.text;
      const p = n.expr.args.find((a) => a.kind === 'path');
      const key = p && p.kind === 'path' ? p.path.join('.') : n.src;
      return names[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
    }).join(''),
  };
}

/** Renders `data` with a format in one call. */
export function renderTemplate(format: string, data: unknown): string {
  return compileTemplate(format).render(data);
}

function parseExpr(src: string): Expr {
  if (/^(if|range|with|else|end|define|template|block)\b/.test(src)) {
    throw new SyntaxError(`template: "${src}" is not supported (only value actions are)`);
  }
  const piped = src.split('|').map((s) => s.trim()).filter(Boolean);
  const tokens = tokenize(piped[0] ?? '');
  let expr: Expr;
  if (tokens.length === 0) throw new SyntaxError('template: empty action');
  if (FUNCS.has(tokens[0]!)) expr = { fn: tokens[0]!, args: tokens.slice(1).map(parseArg) };
  else if (tokens.length === 1) expr = { fn: null, args: [parseArg(tokens[0]!)] };
  else throw new SyntaxError(`template: function "${tokens[0]}" not defined`);
  // `{{.Name | upper}}`: each later stage gets the previous value as its last argument
  for (const stage of piped.slice(1)) {
    const t = tokenize(stage);
    if (!FUNCS.has(t[0] ?? '')) throw new SyntaxError(`template: function "${t[0]}" not defined`);
    expr = { fn: t[0]!, args: [...t.slice(1).map(parseArg), { kind: 'expr', expr }] };
  }
  return expr;
}

function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] !== undefined ? JSON.stringify(JSON.parse(`"${m[1]}"`)) : m[2] !== undefined ? JSON.stringify(m[2]) : m[3]!);
  return out;
}

function parseArg(tok: string): Arg {
  if (tok.startsWith('"')) return { kind: 'string', value: JSON.parse(tok) as string };
  if (/^-?\d+(\.\d+)?$/.test(tok)) return { kind: 'number', value: Number(tok) };
  if (tok === '.') return { kind: 'path', path: [] };
  if (tok.startsWith('.')) return { kind: 'path', path: tok.slice(1).split('.') };
  if (tok === '$') return { kind: 'path', path: [] };
  throw new SyntaxError(`template: unexpected "${tok}"`);
}

function argValue(a: Arg, data: unknown): unknown {
  if (a.kind === 'expr') return evaluate(a.expr, data);
  if (a.kind !== 'path') return a.value;
  let v: unknown = data;
  for (const k of a.path) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function evaluate(e: Expr, data: unknown): unknown {
  const args = e.args.map((a) => argValue(a, data));
  switch (e.fn) {
    case null: return args[0];
    case 'json': return JSON.stringify(args[0] ?? null);
    case 'upper': return goString(args[0]).toUpperCase();
    case 'lower': return goString(args[0]).toLowerCase();
    case 'title': return goString(args[0]).replace(/\b\w/g, (c) => c.toUpperCase());
    case 'len': return Array.isArray(args[0]) ? args[0].length
      : args[0] && typeof args[0] === 'object' ? Object.keys(args[0]).length : goString(args[0]).length;
    case 'join': {
      const [list, sep] = args[0] !== undefined && Array.isArray(args[0]) ? [args[0], args[1]] : [args[1], args[0]];
      return Array.isArray(list) ? list.map(goString).join(String(sep ?? '')) : goString(list);
    }
    case 'index': {
      let v = args[0];
      for (const k of args.slice(1)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[String(k)] : undefined;
      return v === undefined ? '' : v;
    }
    case 'println': return args.map(goString).join(' ') + '\n';
    case 'pad': return goString(args[0]).padEnd(Number(args[1] ?? 0));
    case 'truncate': return goString(args[0]).slice(0, Number(args[1] ?? 0));
    default: throw new SyntaxError(`template: function "${e.fn}" not defined`);
  }
}


/** Prints a value as Go's `fmt` does for decoded JSON: `<no value>`, `<nil>`, `[a b]`, `map[k:v]`. */
export function goString(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goString(o[k])}`).join(' ')}]`;
  }
  return String(v);
}
