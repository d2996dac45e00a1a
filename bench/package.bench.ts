/**
 * What a user downloads and what VS Code loads at activation: the .vsix size
 * (built with @vscode/vsce into a temporary folder) and the extension
 * bundle's size (activation loads only it; the language server and the
 * engine load later, in their own process and worker). Activation time needs
 * a real VS Code, so the e2e suite measures it (npm run test:e2e).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './types.js';

export async function benchPackage(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-vsix-'));
  try {
    const out = join(dir, 'protocol-playground.vsix');
    execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', out], { stdio: 'pipe' });
    const size = statSync(out).size;
    const extension = statSync('dist/extension.cjs').size;
    return [
      { name: '.vsix size', value: size / 1e6, unit: 'MB', target: '≤ 5 MB' },
      { name: 'extension bundle loaded at activation (dist/extension.cjs)', value: extension / 1e3, unit: 'kB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
