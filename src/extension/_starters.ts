/**
 * Starter files for *New Scenario…*: one per protocol, each a complete,
 * commented scenario that compiles and whose `expect` lines hold (checked by
 * test/extension/starters.test.ts through the CLI), so a new user's first
 * Run passes and the comments say what to change next. Pure: the command in
 * onboarding.ts writes and opens the file.
 */
export interface Starter {
  readonly protocol: string;
  readonly label: string;
  readonly detail: string;
  /** The suggested file name (the user may change it). */
  readonly fileName: string;
  readonly text: string;
}

export const STARTERS: readonly Starter[] = [
  {
    protocol: 'raft',
    label: 'Raft',
    detail: 'Five servers elect a leader; crash it and watch a new one take over (leader failover)',
    fileName: 'my-raft.scenario',
    text: `// A Raft cluster (Ongaro & Ousterhout 2014). Press Run above the scenario,
// then step through the election in the viewer (→ / ←, ? for all keys).
cluster five: raft {
  nodes n1..n5
  election_timeout 150ms..300ms   // followers wait this long without a leader
  heartbeat 50ms                  // how often an idle leader says it is alive
}

scenario "my failover" {
  use five
  network { latency 5ms..15ms }
  seed 42                          // same seed, same run, on every machine

  at 0ms    client put x = 1
  at 1s     crash leader           // try: partition {n1 n2} | {n3 n4 n5}
  at 3s     restart n1
  run until 4s

  expect always election_safety, log_matching
  expect eventually leader within 1s after 1s
  expect at end committed x = 1
}
`,
  },
  {
    protocol: 'ring',
    label: 'Consistent hashing ring',
    detail: 'Four nodes with virtual nodes; add a fifth and count the keys that move',
    fileName: 'my-ring.scenario',
    text: `// A consistent-hash ring (Karger et al. 1997) with virtual nodes. Run it,
// open the Picture tab: the ring, its vnode tokens and the keys that moved.
cluster four: ring {
  nodes n1..n5
  initial 4                        // n5 starts outside the ring
  vnodes 100                       // try 10 or 200 and compare the balance
  hash md5
}

scenario "my ring" {
  use four
  at 0ms   client place 20000 keys
  at 10ms  client add n5
  run until 50ms

  expect always single_owner, moves_only_to_changed_node
  expect at end metric moved_to_new_only = 1
  expect at end metric moved_fraction in 0.12..0.28
}
`,
  },
  {
    protocol: 'hash',
    label: 'Hash functions',
    detail: 'Hash 20 000 keys into buckets and test the histogram for uniformity',
    fileName: 'my-hash.scenario',
    text: `// Hash functions: hash generated keys into buckets and check the spread
// with a chi-square test. Try another algorithm: md5, sha1, sha256, sha512,
// fnv1a, murmur3, xxhash64.
cluster buckets: hash {
  algorithm murmur3
  buckets 16
}

scenario "my buckets" {
  use buckets
  at 0ms client hash_keys 20000
  run until 1ms

  expect always digests_match_vectors
  expect at end metric uniform = 1
}
`,
  },
];
