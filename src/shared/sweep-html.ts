/**
 * A sweep's page: its table and its charts, as one self-contained HTML page
 * (`run --html` for a sweep) or as the extension's sweep panel. Plain strings,
 * no script at all: each chart is an SVG document shown as a data: image, so
 * nothing in it can run, and the page's CSP allows only its own nonce-marked
 * style and data: images.
 */
import { escapeHtml, NONCE, pageHead } from './standalone-html.js';

export interface SweepPageOptions {
  readonly title: string;
  /** The table as the CLI prints it (src/cli/report.ts formatSweep, no colours), one line per string. */
  readonly table: readonly string[];
  /** Each chart as SVG, and (in VS Code) for dark themes: the page shows the one that fits the theme. */
  readonly charts: readonly { readonly title: string; readonly svg: string; readonly svgDark?: string }[];
  /** A fresh random nonce for the page's one style element. */
  readonly nonce: string;
  /** In a VS Code webview: its `cspSource` (images from the webview too), and the theme's colours. */
  readonly cspSource?: string;
}

/** UTF-8 text as base64, without Buffer or btoa's Latin-1 limit. */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + (i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? alphabet[n & 63]! : '=');
  }
  return out;
}

export function renderSweepHtml(o: SweepPageOptions): string {
  if (!NONCE.test(o.nonce)) throw new RangeError('renderSweepHtml: nonce must be 8-128 letters, digits or +/=_-');
  const csp = `default-src 'none'; img-src data:${o.cspSource ? ` ${o.cspSource}` : ''}; style-src 'nonce-${o.nonce}'`;
  const img = (svg: string, title: string, theme: string) => `<img alt="${escapeHtml(title)}" class="${theme}" src="data:image/svg+xml;base64,${base64(svg)}">`;
  const charts = o.charts.map((c) => `<figure>${img(c.svg, c.title, 'light')}${c.svgDark !== undefined ? img(c.svgDark, c.title, 'dark') : ''}<figcaption>${escapeHtml(c.title)}</figcaption></figure>`).join('\n');
  return `${pageHead(csp, o.title)}
<style nonce="${o.nonce}">
body { font-family: var(--vscode-font-family, sans-serif); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); margin: 1rem 1.5rem; }
pre { font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; overflow-x: auto; }
figure { display: inline-block; margin: 0 1.5rem 1.5rem 0; }
figure img { background: white; border-radius: 4px; max-width: 100%; }
figure img.dark { background: transparent; display: none; }
/* VS Code marks a webview's body with its theme's kind. */
body.vscode-dark figure:has(img.dark) img.light, body.vscode-high-contrast:not(.vscode-high-contrast-light) figure:has(img.dark) img.light { display: none; }
body.vscode-dark figure img.dark, body.vscode-high-contrast:not(.vscode-high-contrast-light) figure img.dark { display: inline; }
figcaption { font-size: 12px; opacity: 0.8; }
</style>
</head>
<body>
<h1>${escapeHtml(o.title)}</h1>
<pre>${escapeHtml(o.table.join('\n'))}</pre>
${charts || '<p>This sweep has no <code>chart</code> lines.</p>'}
</body>
</html>
`;
}
