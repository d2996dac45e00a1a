/**
 * A walk that visits only the AST nodes a pass cares about (the types that
 * can hold references, names or checks) and descends only into the
 * properties that can lead to one, in the same pre-order as _walk.ts.
 *
 * What can contain what is derived from the grammar itself, not listed by
 * hand, so a grammar change cannot silently hide a node from linking or
 * validation: for each parser rule, the types it produces (its own, its
 * actions', those of rules it calls unassigned) get every property assigned
 * in it (and in the fragments it calls), each holding the types produced by
 * the rules called in the assignment. That over-approximates (a property of
 * one alternative is credited to all), which only costs a few visits. A node
 * whose `$type` the grammar does not produce is walked in full.
 */
import {
  AstUtils, GrammarAST, GrammarUtils, interruptAndCheck,
  type AstNode, type Cancellation, type Grammar,
} from 'langium';
import { pushChildren } from './_walk.js';

const YIELD_EVERY = 1000;

/** Per node type: property name → the node types the property can hold. */
export type Containment = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;

/** Which nodes a pass visits, and where it must look for them. */
export interface WalkPlan {
  /** Types whose nodes are handed to the visitor. */
  readonly targets: ReadonlySet<string>;
  /** Per known type, the properties that can lead to a target ([] when none can). */
  readonly descend: ReadonlyMap<string, readonly string[]>;
}

function isStructuralRule(rule: GrammarAST.AbstractRule): rule is GrammarAST.ParserRule {
  return GrammarAST.isParserRule(rule) && !rule.fragment && !GrammarUtils.isDataTypeRule(rule);
}

/** Rule calls in `element` (itself included) that produce AST nodes, outside cross-references. */
function structuralCalls(element: AstNode): GrammarAST.ParserRule[] {
  const out: GrammarAST.ParserRule[] = [];
  for (const n of AstUtils.streamAst(element)) {
    if (!GrammarAST.isRuleCall(n) || AstUtils.getContainerOfType(n, GrammarAST.isCrossReference)) continue;
    const rule = n.rule.ref;
    if (rule && isStructuralRule(rule)) out.push(rule);
  }
  return out;
}

/**
 * What each node type can contain, from the grammar; undefined when the
 * grammar uses a construct this derivation does not cover (infix rules, an
 * unresolved rule), in which case callers walk everything.
 */
export function grammarContainment(grammar: Grammar): Containment | undefined {
  const rules: GrammarAST.ParserRule[] = [];
  for (const rule of grammar.rules) {
    if (GrammarAST.isTerminalRule(rule)) continue;
    if (!GrammarAST.isParserRule(rule)) return undefined;
    if (isStructuralRule(rule)) rules.push(rule);
  }
  // The body of a rule with the fragments it calls inlined (transitively).
  const bodies = new Map<GrammarAST.ParserRule, AstNode[]>();
  const bodyOf = (rule: GrammarAST.ParserRule): AstNode[] => {
    let body = bodies.get(rule);
    if (body) return body;
    body = [];
    bodies.set(rule, body);
    const pending: GrammarAST.ParserRule[] = [rule];
    const seen = new Set(pending);
    while (pending.length > 0) {
      const r = pending.pop()!;
      for (const n of AstUtils.streamAst(r.definition)) {
        body.push(n);
        const called = GrammarAST.isRuleCall(n) ? n.rule.ref : undefined;
        if (called && GrammarAST.isParserRule(called) && called.fragment && !seen.has(called)) {
          seen.add(called);
          pending.push(called);
        }
      }
    }
    return body;
  };
  // The types each rule produces: its own, its actions', and (to a fixed point) those of rules it calls unassigned.
  const produced = new Map<GrammarAST.ParserRule, Set<string>>();
  for (const rule of rules) {
    const types = new Set([GrammarUtils.getTypeName(rule)]);
    for (const n of bodyOf(rule)) if (GrammarAST.isAction(n)) types.add(GrammarUtils.getTypeName(n));
    produced.set(rule, types);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const rule of rules) {
      const types = produced.get(rule)!;
      for (const n of bodyOf(rule)) {
        if (!GrammarAST.isRuleCall(n) || AstUtils.getContainerOfType(n, GrammarAST.isAssignment)) continue;
        const called = n.rule.ref;
        if (!called) return undefined;
        if (!isStructuralRule(called)) continue;
        for (const t of produced.get(called)!) {
          if (types.has(t)) continue;
          types.add(t);
          changed = true;
        }
      }
    }
  }
  const table = new Map<string, Map<string, Set<string>>>();
  const add = (owners: Iterable<string>, property: string, children: Iterable<string>) => {
    for (const owner of owners) {
      let props = table.get(owner);
      if (!props) table.set(owner, (props = new Map()));
      let held = props.get(property);
      if (!held) props.set(property, (held = new Set()));
      for (const c of children) held.add(c);
    }
  };
  for (const rule of rules) {
    const owners = produced.get(rule)!;
    for (const owner of owners) if (!table.has(owner)) table.set(owner, new Map());
    for (const n of bodyOf(rule)) {
      if (GrammarAST.isAssignment(n)) {
        add(owners, n.feature, structuralCalls(n.terminal).flatMap((r) => [...produced.get(r)!]));
      } else if (GrammarAST.isAction(n) && n.feature) {
        // `{Type.feature=current}`: the property holds what the rule had built so far.
        add(owners, n.feature, owners);
      }
    }
  }
  return table;
}

const containments = new WeakMap<Grammar, Containment | null>();

/**
 * The plan of a pass that visits the nodes of the types `isTarget` accepts,
 * among those the grammar produces; undefined when the grammar could not be
 * analysed (walk everything then).
 */
export function planFor(grammar: Grammar, isTarget: (type: string) => boolean): WalkPlan | undefined {
  let containment = containments.get(grammar);
  if (containment === undefined) containments.set(grammar, (containment = grammarContainment(grammar) ?? null));
  if (containment === null) return undefined;
  return walkPlan(containment, new Set([...containment.keys()].filter(isTarget)));
}

/** The plan of a pass that visits the nodes of the `targets` types. */
export function walkPlan(containment: Containment, targets: ReadonlySet<string>): WalkPlan {
  // Types that are, or can contain, a target: a fixed point over the containment table.
  const leads = new Set<string>([...targets].filter((t) => containment.has(t)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [type, props] of containment) {
      if (leads.has(type)) continue;
      for (const held of props.values()) {
        if ([...held].some((t) => leads.has(t))) {
          leads.add(type);
          changed = true;
          break;
        }
      }
    }
  }
  const descend = new Map<string, string[]>();
  for (const [type, props] of containment) {
    descend.set(type, [...props].filter(([, held]) => [...held].some((t) => leads.has(t))).map(([p]) => p));
  }
  return { targets, descend };
}

function isAst(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

/** Push the children of `node` held by `props`, so that the first in document (key) order is popped first. */
function pushSome(node: AstNode, props: readonly string[], stack: AstNode[]): void {
  const record = node as unknown as Record<string, unknown>;
  const start = stack.length;
  const pushValue = (value: unknown) => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (isAst(value[i])) stack.push(value[i] as AstNode);
    } else if (isAst(value)) stack.push(value);
  };
  if (props.length === 1) pushValue(record[props[0]!]);
  else {
    // Several: in the node's own key order, as the full walk would meet them.
    for (const key in record) if (props.includes(key)) pushValue(record[key]);
  }
  for (let i = start, j = stack.length - 1; i < j; i++, j--) {
    const t = stack[i]!;
    stack[i] = stack[j]!;
    stack[j] = t;
  }
}

/**
 * Visit the target nodes under `root` (itself included) in document
 * pre-order, skipping subtrees that cannot hold one. A visit may return a
 * promise: it is awaited before going on.
 */
export async function walkTargets(root: AstNode, plan: WalkPlan, cancelToken: Cancellation.CancellationToken, visit: (node: AstNode) => unknown): Promise<void> {
  const stack: AstNode[] = [root];
  let visited = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (++visited % YIELD_EVERY === 0) await interruptAndCheck(cancelToken);
    const props = plan.descend.get(node.$type);
    if (props === undefined || plan.targets.has(node.$type)) {
      const r = visit(node);
      if (r instanceof Promise) await r;
    }
    if (props === undefined) pushChildren(node, stack);
    else if (props.length > 0) pushSome(node, props, stack);
  }
}
