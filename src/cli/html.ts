/**
 * Standalone viewer pages: the same viewer bundle as the VS Code webview,
 * with its CSS and the trace inlined into one HTML file that opens offline in
 * any browser. The bundle is read from next to the CLI bundle (dist/).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineCodiconFont, renderStandaloneHtml } from '../shared/standalone-html.js';
import { FileError } from './load.js';

function asset(relative: string, encoding: 'utf8' | 'base64' = 'utf8'): string {
  // The CLI runs as dist/cli.cjs; its assets are dist/webview.js, dist/codicon.*, and media/viewer.css.
  const path = join(__dirname, relative);
  try {
    return readFileSync(path, encoding);
  } catch {
    throw new FileError(`the viewer bundle is missing (${path}): run \`npm run build\``);
  }
}

export function viewerPage(trace: string, title: string, right?: string): string {
  return renderStandaloneHtml({
    bundleJs: asset('webview.js'),
    css: asset('../media/viewer.css'),
    iconCss: inlineCodiconFont(asset('codicon.css'), asset('codicon.ttf', 'base64')),
    trace,
    ...(right !== undefined ? { right } : {}),
    title,
    nonce: randomBytes(18).toString('base64url'),
  });
}
