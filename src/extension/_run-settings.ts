/**
 * How the run settings change a compiled scenario before it runs (pure, so
 * mocha tests it directly):
 * - `defaultSeed` replaces the seed of a scenario whose block has no `seed`
 *   line (the language's own default is 1); an explicit seed override
 *   (Run with seed…) was already applied by the compiler and wins;
 * - `maxTime` (µs) and `maxEvents` cap the scenario's own bounds: the run
 *   stops at whichever comes first. 0 means no cap.
 */
import type { ScenarioSpec, SourceRange } from '../engine/spec.js';

export interface RunSettings {
  readonly seed?: number;
  readonly defaultSeed?: number;
  readonly maxTime?: number;
  readonly maxEvents?: number;
}

const SEED_LINE = /^\s*seed\s+\d/m;

/** The text of a 1-based source range (whole lines). */
function linesOf(text: string, range: SourceRange): string {
  return text.split(/\r?\n/).slice(range.line - 1, range.endLine).join('\n');
}

export function declaresSeed(spec: ScenarioSpec, text: string): boolean {
  // Without a source range we cannot tell: assume the scenario chose its seed.
  return spec.source === undefined || SEED_LINE.test(linesOf(text, spec.source));
}

function cap(own: number, limit: number | undefined): number {
  return limit !== undefined && Number.isFinite(limit) && limit > 0 ? Math.min(own, Math.floor(limit)) : own;
}

export function applyRunSettings(spec: ScenarioSpec, text: string, settings: RunSettings): ScenarioSpec {
  const useDefault = settings.seed === undefined && settings.defaultSeed !== undefined && !declaresSeed(spec, text);
  return {
    ...spec,
    seed: useDefault ? settings.defaultSeed! : spec.seed,
    run: { ...spec.run, maxTime: cap(spec.run.maxTime, settings.maxTime), maxEvents: cap(spec.run.maxEvents, settings.maxEvents) },
  };
}
