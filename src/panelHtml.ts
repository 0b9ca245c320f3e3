// The panel's HTML shell: a strict CSP (no inline script or style, no eval) and the two
// bundled files from dist/. Everything visible is built by the webview app itself.

import { randomBytes } from 'crypto';
import * as vscode from 'vscode';

/** A fresh nonce per render, so a script tag from an older render can never run. */
function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/** The Content-Security-Policy of the panel; exported so tests can check it stays strict. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The document for one panel; `bundle` names its script and stylesheet in dist/ (`webview`
 * for the audit panel, `review` for the review panel). The stylesheet carries the id
 * vscode-elements looks for, so its <vscode-icon> can load the bundled codicon font into its shadow root.
 */
export function renderPanelHtml(webview: vscode.Webview, distUri: vscode.Uri, title: string, bundle = 'webview'): string {
  const nonce = newNonce();
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(distUri, name)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(webview.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeAttribute(asset(`${bundle}.css`))}">
<title>${escapeAttribute(title)}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${escapeAttribute(asset(`${bundle}.js`))}"></script>
</body>
</html>`;
}
