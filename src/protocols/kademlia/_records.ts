/**
 * Constructors for the objects a Kademlia run keeps by the million — node
 * states, buckets, lookups, candidates, and the messages of a lookup — so
 * that they are made by `new`, not by an object literal.
 *
 * What they make is a plain object all the same: its prototype is
 * `Object.prototype` and its own fields are set in one fixed order, so JSON,
 * deep equality, structured cloning and the trace see no difference from a
 * literal.
 *
 * Why not a literal: V8 watches every object literal in the source, and
 * when most of the objects one makes survive a young-generation collection
 * — as every state version does, since the trace keeps it — it starts
 * allocating them straight in the old generation ("allocation-site
 * pretenuring"). A state made there points at the table, bucket and `seen`
 * array made in the same step, which are young; every such pointer is a
 * write barrier and a remembered-set entry that the next scavenges visit.
 * V8 never pretenures what `new` makes: a version is born young with
 * everything it points to and is promoted with it. Measured at 10 000 nodes
 * (`bench/kademlia-scale.ts`, three runs each, alternating): 32.4 s → 29.3 s
 * wall time, the same peak memory. Arrays are unaffected (`slice` and
 * `concat` are never pretenured either).
 */

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `record<T>()(function (a, b) { this.x = a; … })`: a constructor of `T`s
 * from an initializer, which must set every field of `T`, always in the
 * same order (one hidden class per record type).
 */
export function record<T extends object>() {
  return <A extends unknown[]>(init: (this: Writable<T>, ...args: A) => void): new (...args: A) => T => {
    // Our own function's `prototype` (no library's): what `new init()` makes inherits from Object.prototype, like a literal.
    init.prototype = Object.prototype;
    // TypeScript types a `function` with a `this` parameter as callable only; `new` on it makes a T, which is what the cast says.
    return init as unknown as new (...args: A) => T;
  };
}
