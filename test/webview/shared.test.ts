/**
 * src/shared: the typed channel and the page builders (Node, no browser).
 * The escaping is checked by parsing what an HTML tokenizer would see: no
 * embedded text may close its element early.
 */
import assert from 'node:assert/strict';
import { createChannel, HOST_TO_VIEWER_TYPES, type HostToViewer, type ViewerToHost } from '../../src/shared/messages.js';
import { escapeHtml, escapeJsForScript, escapeJsonForScript, renderStandaloneHtml, renderWebviewHtml } from '../../src/shared/standalone-html.js';

describe('createChannel()', () => {
  it('posts typed messages and dispatches known incoming types to every handler', () => {
    const sent: ViewerToHost[] = [];
    const ch = createChannel<ViewerToHost, HostToViewer>((m) => sent.push(m), HOST_TO_VIEWER_TYPES);
    ch.post({ type: 'ready' });
    assert.deepEqual(sent, [{ type: 'ready' }]);
    const lines: number[] = [];
    const off = ch.on({ highlightSource: (m) => lines.push(m.line) });
    ch.on({ highlightSource: (m) => lines.push(-m.line) });
    assert.equal(ch.receive({ type: 'highlightSource', line: 3 }), true);
    assert.deepEqual(lines, [3, -3]);
    off();
    ch.receive({ type: 'highlightSource', line: 4 });
    assert.deepEqual(lines, [3, -3, -4]);
  });

  it('ignores unknown types and non-objects, and rejects a bad transport', () => {
    const ch = createChannel<ViewerToHost, HostToViewer>(() => undefined, HOST_TO_VIEWER_TYPES);
    let called = 0;
    ch.on({ loadTrace: () => called++ });
    for (const junk of [null, 3, 'loadTrace', { type: 'evil' }, { type: 7 }, []]) assert.equal(ch.receive(junk), false);
    assert.equal(called, 0);
    assert.throws(() => createChannel(null as unknown as () => void, []), TypeError);
  });
});

describe('renderStandaloneHtml()', () => {
  const evil = '</script><script>alert(1)</script><!--';
  const trace = JSON.stringify({ name: evil, line: '\u2028' });
  const page = renderStandaloneHtml({ bundleJs: `var s = "${evil}";`, css: 'a{} </style><b>x</b>', trace, right: trace, title: `<${evil}>`, nonce: 'abcdefgh1234' });

  it('lets no embedded text close its element: only the page\'s own three scripts and one style end', () => {
    // An opening <script inside script data is inert unless `<!--` precedes it (the double-escaped state), so that is escaped too.
    assert.equal(page.match(/<\/script/gi)?.length, 3);
    assert.equal(page.match(/<\/style/gi)?.length, 1);
    assert.equal(page.includes('<!--'), false);
  });

  it('embeds the trace so that the same JSON value comes back', () => {
    const body = /<script type="application\/json" id="trace">([\s\S]*?)<\/script>/.exec(page)![1]!;
    assert.deepEqual(JSON.parse(body), JSON.parse(trace));
    assert.equal(escapeJsonForScript('"<"'), '"\\u003c"');
  });

  it('keeps the JavaScript meaning of an escaped bundle', () => {
    const js = escapeJsForScript('globalThis.__v = "</script>" + "<!--";');
    const scope = { __v: '' };
    new Function('globalThis', js)(scope);
    assert.equal(scope.__v, '</script><!--');
  });

  it('sets a CSP that allows only the nonce (and data: images and fonts: the inlined icon font)', () => {
    assert.match(page, /content="default-src 'none'; img-src data:; font-src data:; style-src 'nonce-abcdefgh1234'; script-src 'nonce-abcdefgh1234'"/);
    assert.equal(escapeHtml(`<a href="x">&'`), "&#60;a href=&#34;x&#34;&#62;&#38;'");
  });

  it('rejects bad arguments with TypeError / RangeError', () => {
    assert.throws(() => renderStandaloneHtml({ bundleJs: 1 as unknown as string, css: '', trace: '', title: '', nonce: 'abcdefgh' }), TypeError);
    assert.throws(() => renderStandaloneHtml({ bundleJs: '', css: '', trace: '', title: '', nonce: 'bad nonce"' }), RangeError);
    assert.throws(() => renderWebviewHtml({ scriptUri: '', cssUri: '', cspSource: '', title: '', nonce: 'x' }), RangeError);
  });
});

describe('renderWebviewHtml()', () => {
  it('loads the bundle and the CSS by URI under the webview CSP source and a nonce', () => {
    const html = renderWebviewHtml({ scriptUri: 'vscode-webview://x/webview.js', cssUri: 'vscode-webview://x/viewer.css', cspSource: 'vscode-webview://x', nonce: 'abcdefgh1234', title: 't' });
    assert.match(html, /<script nonce="abcdefgh1234" src="vscode-webview:\/\/x\/webview.js"><\/script>/);
    assert.match(html, /style-src vscode-webview:\/\/x 'nonce-abcdefgh1234'; script-src 'nonce-abcdefgh1234'/);
  });
});
