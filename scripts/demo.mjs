// The demo: run every example scenario through the CLI (the built bundle,
// exactly what users run) and print a readable summary. Traces and
// standalone viewer pages (open them in any browser, offline) land in
// demo-output/ (git-ignored). Sweeps run at most TRIALS trials per group
// (Figure 16 has 1 000 per range; `npm run figures` runs it in full).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli.cjs');
const outDir = join(root, 'demo-output');
const TRIALS = 50;

function scenarioFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return scenarioFiles(path);
      return name.endsWith('.scenario') ? [path] : [];
    });
}

const files = scenarioFiles(join(root, 'examples'));
let passed = 0;
const failed = [];
for (const file of files) {
  const rel = relative(root, file);
  const traceDir = join(outDir, relative(join(root, 'examples'), file).replace(/\.scenario$/, '')) + '/';
  const result = spawnSync(process.execPath, [cli, 'run', rel, '--out', traceDir, '--html', traceDir, '--trials', String(TRIALS)], { cwd: root, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  if (result.status === 0) passed++;
  else {
    failed.push(rel);
    process.stdout.write(result.stderr);
  }
  process.stdout.write('\n');
}
console.log(`${files.length} example files: ${passed} passed, ${failed.length} failed (sweeps at most ${TRIALS} trials per group; \`npm run figures\` runs Figure 16 in full)`);
console.log(`traces (.trace.json) and viewer pages (.html) written under ${relative(process.cwd(), outDir) || outDir}/, e.g.`);
console.log(`  ${relative(process.cwd(), join(outDir, 'ring/add-node/add-a-fifth-node.html'))}`);
if (failed.length > 0) {
  console.log(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
