// json_query (community.general.json_query, which Ansible 2.14 also finds as plain `json_query`): a
// JMESPath query over the value, as the collection's filter runs the jmespath library. kplay runs the
// JMESPath reference implementation for JavaScript (the `jmespath` package) on the same data.
import { createRequire } from 'node:module';
import type { search as Search } from 'jmespath';
import { UnsafeText } from '../../yaml/load.js';
import { PyFloat } from '../../util/py-float.js';
import { ExprError } from './pyops.js';

// the value as JMESPath sees it: Ansible's unsafe text is text (the filter registers its types so)
function data(v: unknown): unknown {
  if (v instanceof UnsafeText) return v.text;
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(data);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, data(x)]));
  return v;
}

// the library is read with the first query, not at every start
let jmespathSearch: typeof Search | undefined;

/** The json_query filter. */
export function jsonQuery(value: unknown, expr: unknown, col: number): unknown {
  const search = (jmespathSearch ??= (createRequire(import.meta.url)('jmespath') as { search: typeof Search }).search);
  try {
    return search(data(value), String(expr instanceof UnsafeText ? expr.text : expr));
  } catch (e) {
    throw new ExprError(`JMESPathError in json_query filter plugin:\n${(e as Error).message}`, col);
  }
}
