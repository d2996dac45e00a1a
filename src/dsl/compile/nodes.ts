/**
 * Node lists and targets: `n1`, a range `n1..n3`, a group of items, a
 * single node (`cut a -> b`), and targets that are either nodes or a role
 * query resolved at run time (`crash leader`, `crash owner "k"`,
 * `client on leader`). Unknown names were reported by linking; ranges are
 * expanded here.
 */
import type { NodeId } from '../../engine/protocol.js';
import type { QuerySpec } from '../../engine/vocabulary.js';
import type { Target as SpecTarget } from '../../engine/spec.js';
import type { NodeItem, Target } from '../generated/ast.js';
import { isNodeItem } from '../generated/ast.js';
import { declaredNodes, quotedRange, quotedRangeMessage, quotedReference } from '../_cluster.js';
import { expandRange, listNames } from '../_names.js';
import { parseTemplate, type ArgToken } from '../_template.js';
import { literalText, type LiteralLike } from '../_units.js';
import type { CompileContext } from './context.js';
import { literalToken } from './literals.js';

/**
 * The distinct names of a list, in order. Node lists are mostly one to three
 * names: a scan is cheaper than a Set and its spread (a partition line costs
 * one of these per group).
 */
export function unique(names: NodeId[]): NodeId[] {
  if (names.length < 2) return names;
  if (names.length > 8) return [...new Set(names)];
  return names.filter((n, i) => names.indexOf(n) === i);
}

/** Node names of an item (`n1` or `n1..n3`); unknown names were reported by linking. */
export function nodeItem(cx: CompileContext, item: NodeItem | undefined): NodeId[] {
  const first = item?.node?.$refText;
  if (!item || !first) return [];
  if (!item.last) return cx.isNode(first) ? [first] : [];
  if (quotedRange(item)) {
    cx.error(item, quotedRangeMessage(first, item.last.$refText), 'invalid-node-range');
    return [];
  }
  const r = expandRange(first, item.last.$refText);
  if (!r.ok) {
    cx.error(item, r.message, r.code);
    return [];
  }
  const missing = r.value.filter((n) => !cx.isNode(n));
  if (missing.length > 0) cx.error(item, `unknown node '${missing[0]}' in the range ${first}..${item.last.$refText}; cluster ${cx.cluster.name} declares ${listNames([...declaredNodes(cx.cluster).names])}`, 'unknown-node');
  return r.value.filter((n) => cx.isNode(n));
}

/** The nodes of several items, each once, in order. */
export function nodesOf(cx: CompileContext, items: readonly NodeItem[]): NodeId[] {
  const out: NodeId[] = [];
  for (const it of items) for (const n of nodeItem(cx, it)) out.push(n);
  return unique(out);
}

/** A single node (a range or nothing is an error). */
export function singleNode(cx: CompileContext, item: NodeItem | undefined, what: string): NodeId | undefined {
  if (!item) return undefined;
  if (item.last) {
    cx.error(item, `${what} takes one node, not a range`, 'expected-one-node');
    return undefined;
  }
  return nodeItem(cx, item)[0];
}

/** The query a name stands for where a node could stand, unless it names a node. */
function roleQuery(cx: CompileContext, name: string | undefined): QuerySpec | undefined {
  if (!name || cx.isNode(name)) return undefined;
  return cx.protocol.vocabulary.queries.find((q) => q.name === name);
}

/** A node item as an argument of a role query (`crash owner "apple"`, `crash owner apple`): a string or a name. */
function nameToken(it: NodeItem): ArgToken {
  const text = it.node?.$refText ?? '';
  return quotedReference(it) ? literalToken({ string: text })! : { kind: 'id', text, value: text };
}

/** The target of a fault: node items, or a role query with its arguments. */
export function target(cx: CompileContext, t: Target | undefined): SpecTarget | undefined {
  if (!t || t.items.length === 0) return undefined;
  const first = t.items[0];
  const query = isNodeItem(first) && !first.last ? roleQuery(cx, first.node?.$refText) : undefined;
  if (query) {
    if (query.returns !== 'nodes') {
      cx.error(first!, `'${query.name}' is a value query; a target needs node names or a role query (${cx.roleQueries().join(', ') || 'none in ' + cx.protocol.name})`, 'not-a-role-query');
      return undefined;
    }
    const tokens: ArgToken[] = t.items.slice(1).map((it) => (isNodeItem(it) ? nameToken(it) : (literalToken(it as LiteralLike) ?? { kind: 'id', text: '?', value: '?' })));
    const args = cx.matchArgs(query.name, query.template, query.args, tokens, (i) => t.items[i + 1], first!);
    return args ? { kind: 'query', query: query.name, args } : undefined;
  }
  const nodes: NodeId[] = [];
  for (const it of t.items) {
    if (isNodeItem(it)) nodes.push(...nodeItem(cx, it));
    else cx.error(it, `unexpected ${literalText(it)}: a target is node names or a role query`, 'unexpected-argument');
  }
  return nodes.length > 0 ? { kind: 'nodes', nodes: unique(nodes) } : undefined;
}

/** `client on NODE` or `client on ROLE` (a role query without arguments). */
export function clientTarget(cx: CompileContext, item: NodeItem): SpecTarget | undefined {
  const query = item.last ? undefined : roleQuery(cx, item.node?.$refText);
  if (query) {
    if (query.returns !== 'nodes' || parseTemplate(query.template).length > 0) {
      cx.error(item, `client on takes a node or a role query without arguments (${cx.roleQueries().join(', ') || 'none'})`, 'not-a-role-query');
      return undefined;
    }
    return { kind: 'query', query: query.name, args: {} };
  }
  const node = singleNode(cx, item, 'client on');
  return node ? { kind: 'nodes', nodes: [node] } : undefined;
}
