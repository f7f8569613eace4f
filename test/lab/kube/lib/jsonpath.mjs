// kubectl's JSONPath templates, the subset operators use: {.a.b}, {.items[*].x}, {.items[0]},
// {range .items[*]}...{end}, filters [?(@.type=="Ready")], escaped dots (ca\.crt), and literal text.

function splitPath(expr) {
  const parts = [];
  let i = 0;
  let cur = '';
  const push = () => {
    if (cur) parts.push({ key: cur });
    cur = '';
  };
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === '\\' && expr[i + 1] === '.') {
      cur += '.';
      i += 2;
    } else if (ch === '.') {
      push();
      i++;
    } else if (ch === '[') {
      push();
      const end = expr.indexOf(']', expr[i + 1] === '?' ? expr.indexOf(')', i) : i);
      const inner = expr.slice(i + 1, end);
      if (inner === '*') parts.push({ all: true });
      else if (inner.startsWith('?(')) parts.push({ filter: inner.slice(2, -1) });
      else if (/^-?\d+$/.test(inner)) parts.push({ index: Number(inner) });
      else parts.push({ key: inner.replace(/^['"]|['"]$/g, '') });
      i = end + 1;
    } else {
      cur += ch;
      i++;
    }
  }
  push();
  return parts;
}

function test(item, filter) {
  const m = /^@\.([\w.]+)\s*(==|!=)\s*["']?([^"']*)["']?$/.exec(filter.trim());
  if (!m) return false;
  const v = m[1].split('.').reduce((o, k) => (o == null ? undefined : o[k]), item);
  return m[2] === '==' ? String(v) === m[3] : String(v) !== m[3];
}

/** Evaluates one path against a value; returns the list of results. */
export function evalPath(root, expr) {
  let cur = [root];
  const e = expr.trim().replace(/^\$/, '');
  for (const p of splitPath(e.startsWith('.') ? e : `.${e}`)) {
    const next = [];
    for (const v of cur) {
      if (v === undefined || v === null) continue;
      if (p.all) next.push(...(Array.isArray(v) ? v : Object.values(v)));
      else if (p.filter) next.push(...(Array.isArray(v) ? v : []).filter((x) => test(x, p.filter)));
      else if (p.index !== undefined) next.push(Array.isArray(v) ? v.at(p.index) : undefined);
      else next.push(v[p.key]);
    }
    cur = next.filter((x) => x !== undefined);
  }
  return cur;
}

function show(v) {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** Renders a template like `{.items[*].metadata.name}` or `{range .items[*]}{.x}{"\n"}{end}`. */
export function renderJsonPath(template, data) {
  const tokens = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  let m;
  while ((m = re.exec(template))) {
    if (m.index > last) tokens.push({ text: template.slice(last, m.index) });
    tokens.push({ expr: m[1] });
    last = re.lastIndex;
  }
  if (last < template.length) tokens.push({ text: template.slice(last) });
  const run = (toks, ctx) => {
    let out = '';
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (t.text !== undefined) out += t.text;
      else if (/^range\s/.test(t.expr)) {
        let depth = 1;
        let j = i + 1;
        for (; j < toks.length; j++) {
          if (toks[j].expr && /^range\s/.test(toks[j].expr)) depth++;
          if (toks[j].expr === 'end' && --depth === 0) break;
        }
        for (const item of evalPath(ctx, t.expr.replace(/^range\s+/, ''))) out += run(toks.slice(i + 1, j), item);
        i = j;
      } else if (/^"(.*)"$/.test(t.expr)) out += JSON.parse(t.expr);
      else out += evalPath(ctx, t.expr).map(show).join(' ');
    }
    return out;
  };
  return run(tokens, data);
}
