/**
 * What a scenario may say about the `hash` protocol: parameters, client
 * operations, invariants, queries and metrics, each with the one-line doc
 * that hover and completion show.
 */
import type { Json, World } from '../../engine/protocol.js';
import type { ParamSpec, OpSpec, QuerySpec, Vocabulary } from '../../engine/vocabulary.js';
import { ALGORITHMS, digestHex } from './algorithms.js';
import { invariants, hasherState } from './invariants.js';
import { MAX_AVALANCHE, MAX_BUCKETS, MAX_KEYS } from './machine.js';
import { algorithmOf, asText, DEFAULT_ALGORITHM, DEFAULT_BUCKETS, seedOf, type HashState, textBytes } from './state.js';

export const params: readonly ParamSpec[] = [
  {
    name: 'algorithm', type: 'enum', default: DEFAULT_ALGORITHM, choices: ALGORITHMS,
    doc: 'Hash function: md5, sha1, sha256, sha512, fnv1a (FNV-1a 32-bit), murmur3 (MurmurHash3 x86_32) or xxhash64.',
  },
  { name: 'buckets', type: 'int', default: DEFAULT_BUCKETS, min: 1, max: MAX_BUCKETS, doc: 'Default bucket count for `hash_keys`.' },
  { name: 'hash_seed', type: 'int', default: 0, min: 0, max: 0xffffffff, doc: 'Seed for murmur3 and xxhash64 (the others take none).' },
  { name: 'bug_utf16', type: 'bool', default: false,
    doc: 'BUG: hash a text\'s UTF-16 code units instead of its UTF-8 bytes (.NET\'s Encoding.Unicode, a careless charCodeAt loop); no published vector matches.' },
  { name: 'bug_normalize', type: 'bool', default: false,
    doc: 'BUG: dedupe case-insensitively but store the value as given, so "Apple" is filed under the digest of "apple".' },
];

export const ops: readonly OpSpec[] = [
  {
    name: 'hash', template: 'hash <value:string>',
    doc: 'Hash a value; replies with its hex digest and files it in the dedupe table.',
    args: [{ name: 'value', type: 'string' }],
  },
  {
    name: 'hash_keys', template: 'hash_keys <count:int> [into <buckets:int>]',
    doc: 'Hash the keys key-0 … key-(N-1) into buckets and report χ² uniformity.',
    args: [{ name: 'count', type: 'int', min: 1, max: MAX_KEYS }, { name: 'buckets', type: 'int', min: 1, max: MAX_BUCKETS }],
  },
  {
    name: 'avalanche', template: 'avalanche <count:int>',
    doc: 'Flip each input bit of N keys; report the mean fraction of output bits that change (ideal 0.5).',
    args: [{ name: 'count', type: 'int', min: 1, max: MAX_AVALANCHE }],
  },
];

type Q = QuerySpec<HashState>;

export const queries: readonly Q[] = [
  {
    name: 'unique', template: 'unique', doc: 'Number of distinct digests seen by `hash`.', args: [], returns: 'number',
    evaluate: (world) => hasherState(world)?.unique ?? 0,
  },
  {
    name: 'duplicates', template: 'duplicates', doc: 'Number of `hash` operations whose digest was already seen.', args: [], returns: 'number',
    evaluate: (world) => hasherState(world)?.duplicates ?? 0,
  },
  {
    name: 'digest', template: 'digest <value:string>', doc: 'The hex digest of a value with the configured algorithm.',
    args: [{ name: 'value', type: 'string' }], returns: 'string',
    evaluate: (world: World<HashState>, args: Readonly<Record<string, Json>>) =>
      digestHex(algorithmOf(world.params), textBytes(asText(args['value']), world.params), seedOf(world.params)),
  },
  {
    name: 'bucket_count', template: 'bucket_count <bucket:int>', doc: 'Keys in a bucket after the last `hash_keys` (0-based).',
    args: [{ name: 'bucket', type: 'int', min: 0 }], returns: 'number',
    evaluate: (world, args) => {
      const b = args['bucket'];
      return typeof b === 'number' ? hasherState(world)?.buckets[b] ?? 0 : 0;
    },
  },
];

export const vocabulary: Vocabulary<HashState> = {
  doc: 'Hash functions: digests with dedupe, bucket uniformity (χ²) and avalanche, checked against published test vectors.',
  params,
  ops,
  invariants,
  queries,
  messages: [], // one node, no network traffic
  metrics: [
    { name: 'unique', doc: 'Distinct digests seen by `hash`.' },
    { name: 'duplicates', doc: '`hash` operations whose digest was already in the table.' },
    { name: 'chi_square', doc: 'Pearson χ² of the last `hash_keys` histogram against uniform.' },
    { name: 'chi_square_p', doc: 'p-value of that χ² (B-1 degrees of freedom); below 0.01 means not uniform.' },
    { name: 'uniform', doc: '1 when chi_square_p ≥ 0.01, else 0.' },
    { name: 'bucket_max', doc: 'Largest bucket of the last `hash_keys`.' },
    { name: 'bucket_min', doc: 'Smallest bucket of the last `hash_keys`.' },
    { name: 'bucket_mean', doc: 'Mean bucket size (keys / buckets).' },
    { name: 'bucket_max_over_mean', doc: 'Largest bucket over the mean (1 is perfect).' },
    { name: 'avalanche', doc: 'Mean fraction of output bits flipped by a one-bit input change (ideal 0.5).' },
    { name: 'avalanche_bias', doc: 'Worst output bit: |P(flip) − 0.5|.' },
  ],
};
