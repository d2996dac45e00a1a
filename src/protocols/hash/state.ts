/**
 * The `hash` protocol's node state. One implicit node, `hasher`, does the
 * work; any nodes a scenario declares are idle bystanders.
 */
import type { Json, Params } from '../../engine/protocol.js';
import { isAlgorithm, type Algorithm } from './algorithms.js';
import { utf8 } from './_utf8.js';

export const HASHER = 'hasher';

/** The first value seen with a digest, and how many times that digest came up. */
export interface SeenEntry {
  readonly value: string;
  readonly count: number;
}

export interface HashState {
  readonly role: 'hasher' | 'idle';
  readonly algorithm: Algorithm;
  /** Seed for murmur3 and xxhash64. */
  readonly seed: number;
  /** Dedupe table: hex digest → first value and count. */
  readonly seen: Readonly<Record<string, SeenEntry>>;
  /** Number of `hash` operations served. */
  readonly hashed: number;
  /** Distinct digests in `seen`. */
  readonly unique: number;
  /** `hashed - unique`: operations whose digest was already in the table. */
  readonly duplicates: number;
  /** Digests that matched an entry with a different value (a real collision). */
  readonly collisions: number;
  /** Histogram of the last `hash_keys` (empty before). */
  readonly buckets: readonly number[];
  /** Mean fraction of output bits flipped by the last `avalanche` (null before). */
  readonly avalanche: number | null;
}

export const DEFAULT_ALGORITHM: Algorithm = 'sha256';
export const DEFAULT_BUCKETS = 16;

export function algorithmOf(params: Params): Algorithm {
  const a = params['algorithm'];
  return isAlgorithm(a) ? a : DEFAULT_ALGORITHM;
}

export function seedOf(params: Params): number {
  const s = params['hash_seed'];
  return typeof s === 'number' && Number.isInteger(s) && s >= 0 && s <= 0xffffffff ? s : 0;
}

export function bucketsOf(params: Params): number {
  const b = params['buckets'];
  return typeof b === 'number' && Number.isInteger(b) && b >= 1 ? b : DEFAULT_BUCKETS;
}

export function initialState(id: string, params: Params): HashState {
  return {
    role: id === HASHER ? 'hasher' : 'idle',
    algorithm: algorithmOf(params),
    seed: seedOf(params),
    seen: {},
    hashed: 0,
    unique: 0,
    duplicates: 0,
    collisions: 0,
    buckets: [],
    avalanche: null,
  };
}

/**
 * The bytes a text is hashed as: its UTF-8 encoding — or, with the bug switch
 * `bug_utf16`, its UTF-16LE code units (what .NET's `Encoding.Unicode` or a
 * careless `charCodeAt` loop gives), which no published vector matches.
 */
export function textBytes(text: string, params: Params): Uint8Array {
  if (params['bug_utf16'] !== true) return utf8(text);
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}

/** The text the dedupe table files a value under: the value itself, or lower-cased with the bug switch `bug_normalize`. */
export function dedupeKeyText(value: string, params: Params): string {
  return params['bug_normalize'] === true ? value.toLowerCase() : value;
}

/** A client argument as the string to hash (numbers and booleans by their JSON text). */
export function asText(value: Json | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
