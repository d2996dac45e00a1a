/**
 * Kademlia's messages: the four RPCs of §2.3 (PING, STORE, FIND_NODE,
 * FIND_VALUE) and their replies. Every message carries its sender's contact
 * (`self`: scenario name and Kademlia id), so a receiver can update the
 * sender's k-bucket whatever the message is (§2.2), and an RPC number that
 * the reply echoes (the paper's "random 160-bit RPC ID", here a per-node
 * counter: the simulator's addresses cannot be spoofed).
 */
import type { MessageSpec } from '../../engine/vocabulary.js';
import type { Json } from '../../engine/protocol.js';
import { record } from './_records.js';
import type { Id } from './ids.js';
import type { Contact } from './table.js';

type Rpc = { rpc: number; self: Contact };

export type KademliaMessage =
  | { readonly type: 'PING'; readonly body: Rpc }
  | { readonly type: 'PONG'; readonly body: Rpc }
  | { readonly type: 'FIND_NODE'; readonly body: Rpc & { readonly target: Id } }
  | { readonly type: 'FIND_VALUE'; readonly body: Rpc & { readonly key: Id } }
  | { readonly type: 'NODES'; readonly body: Rpc & { nodes: Contact[] } }
  | { readonly type: 'VALUE'; readonly body: Rpc & { readonly key: Id; readonly name: string; readonly value: Json; readonly expires: number } }
  | { readonly type: 'STORE'; readonly body: Rpc & { readonly key: Id; readonly name: string; readonly value: Json; readonly expires: number; readonly cached: boolean } }
  | { readonly type: 'STORED'; readonly body: Rpc };

export type MessageType = KademliaMessage['type'];

/*
 * The messages of lookups and pings, a few million in a large run, are
 * built by constructors (see _records.ts); the rare ones are literals.
 */
const Message = record<{ type: MessageType; body: Rpc }>()(function (type: MessageType, body: Rpc) {
  this.type = type;
  this.body = body;
});
const RpcBody = record<Rpc>()(function (rpc: number, self: Contact) {
  this.rpc = rpc;
  this.self = self;
});
const FindNodeBody = record<Rpc & { target: Id }>()(function (rpc: number, self: Contact, target: Id) {
  this.rpc = rpc;
  this.self = self;
  this.target = target;
});
const NodesBody = record<Rpc & { nodes: Contact[] }>()(function (rpc: number, self: Contact, nodes: Contact[]) {
  this.rpc = rpc;
  this.self = self;
  this.nodes = nodes;
});

export function ping(rpc: number, self: Contact): KademliaMessage {
  return new Message('PING', new RpcBody(rpc, self)) as KademliaMessage;
}

export function pong(rpc: number, self: Contact): KademliaMessage {
  return new Message('PONG', new RpcBody(rpc, self)) as KademliaMessage;
}

export function findNode(rpc: number, self: Contact, target: Id): KademliaMessage {
  return new Message('FIND_NODE', new FindNodeBody(rpc, self, target)) as KademliaMessage;
}

export function nodesReply(rpc: number, self: Contact, nodes: Contact[]): KademliaMessage {
  return new Message('NODES', new NodesBody(rpc, self, nodes)) as KademliaMessage;
}

export const messages: readonly MessageSpec[] = [
  { type: 'PING', doc: 'PING RPC (§2.3): is the node alive? Used before evicting a bucket\'s least recently seen contact (§2.2) and to reach a bootstrap node.' },
  { type: 'PONG', doc: 'Reply to PING, with the sender\'s id.' },
  { type: 'FIND_NODE', doc: 'FIND_NODE RPC (§2.3): asks for the k contacts the receiver knows closest to a target id.' },
  { type: 'NODES', doc: 'Reply to FIND_NODE (or to FIND_VALUE without the value): up to k contacts closest to the target.' },
  { type: 'FIND_VALUE', doc: 'FIND_VALUE RPC (§2.3): like FIND_NODE, but a node holding the key answers with its value.' },
  { type: 'VALUE', doc: 'Reply to FIND_VALUE from a node that holds the key: the value and when it expires.' },
  { type: 'STORE', doc: 'STORE RPC (§2.3): keep a key/value pair until it expires (a cached copy along a lookup\'s path when `cached`).' },
  { type: 'STORED', doc: 'Reply to STORE.' },
];
