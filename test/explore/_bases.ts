/**
 * Where explore starts for each protocol of the registry, found by
 * convention so that protocols added later are covered without a line here:
 * - `examples/NAME/explore.scenario`, scenario "explore" (random search) and
 *   "explore small" (exhaustive search), when the protocol has one;
 * - otherwise each bug switch's own scenario under `examples/NAME/bugs/`
 *   with its faults removed (`withoutFaults`): the cluster, the client
 *   operations and the expectations, `expect violated X` read as
 *   `expect always X` — the bug must then be found, not scripted.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../src/cli/load.js';
import type { ScenarioSpec } from '../../src/engine/spec.js';
import type { Protocol } from '../../src/engine/protocol.js';
import { ROOT } from '../_cli.js';

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.scenario') ? [p] : [];
  });
}

/** A scenario with every scripted fault taken out: no crash/restart/pause/resume/partition/cut/heal/drift lines, no message rules, no loss, duplication or reordering. */
export function withoutFaults(spec: ScenarioSpec): ScenarioSpec {
  return {
    ...spec,
    actions: spec.actions.filter((a) => a.action.kind === 'client' || a.action.kind === 'note'),
    rules: [],
    network: { ...spec.network, loss: 0, duplicate: 0, reorder: 0, links: [] },
  };
}

export interface Bases {
  /** Random search's base, per bug switch (the protocol's explore scenario, or the bug's scenario without faults). */
  random(bug: string): Promise<ScenarioSpec>;
  /** The exhaustive search's base, per bug switch. */
  small(bug: string): Promise<ScenarioSpec>;
  /** The base for the correct protocol (bugs off). */
  correct(): Promise<ScenarioSpec | undefined>;
  /** Where they come from, for test names. */
  readonly source: string;
}

async function scenarioNamed(path: string, name: string): Promise<ScenarioSpec | undefined> {
  const loaded = await loadScenarioFile(path);
  return loaded.compiled.file.scenarios.find((s) => s.name === name);
}

/** The bug scenario of switch `bug` (the first file under bugs/ that sets it). */
async function bugScenario(protocol: Protocol, bug: string): Promise<ScenarioSpec> {
  for (const f of files(join(ROOT, 'examples', protocol.name, 'bugs'))) {
    if (!new RegExp(`\\b${bug}\\s+true\\b`).test(readFileSync(f, 'utf8'))) continue;
    const loaded = await loadScenarioFile(f);
    const spec = loaded.compiled.file.scenarios.find((s) => s.params[bug] === true);
    if (spec) return withoutFaults(spec);
  }
  throw new Error(`no scenario under examples/${protocol.name}/bugs/ sets ${bug}`);
}

export function basesOf(protocol: Protocol): Bases {
  const explore = join(ROOT, 'examples', protocol.name, 'explore.scenario');
  const has = existsSync(explore);
  const withBug = (spec: ScenarioSpec, bug: string): ScenarioSpec => ({ ...spec, params: { ...spec.params, [bug]: true } });
  return {
    source: has ? `examples/${protocol.name}/explore.scenario` : `examples/${protocol.name}/bugs/ without their faults`,
    async random(bug) {
      const s = has ? await scenarioNamed(explore, 'explore') : undefined;
      return s ? withBug(s, bug) : bugScenario(protocol, bug);
    },
    async small(bug) {
      const s = has ? (await scenarioNamed(explore, 'explore small')) ?? (await scenarioNamed(explore, 'explore')) : undefined;
      return s ? withBug(s, bug) : bugScenario(protocol, bug);
    },
    async correct() {
      if (has) return scenarioNamed(explore, 'explore');
      const bugs = protocol.vocabulary.params.filter((p) => p.name.startsWith('bug_'));
      if (bugs.length === 0) return undefined;
      const s = await bugScenario(protocol, bugs[0]!.name);
      return { ...s, params: { ...s.params, [bugs[0]!.name]: false } };
    },
  };
}

