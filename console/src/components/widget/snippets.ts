import type { WidgetManifest } from '@/api/widget';

/**
 * The embed snippets the widget tab shows: the server-side token request (curl and Node) and the page's HTML.
 * Never a real secret: the API key is an environment variable the SaaS sets on its server, the token a placeholder.
 */
export type WidgetTheme = 'light' | 'dark' | 'auto';

export interface SnippetContext {
  /** Where this Portico answers (the console's own origin). */
  origin: string;
  projectId: string;
  theme: WidgetTheme;
  manifest: WidgetManifest | null;
  /** Translated code comments. */
  comments: { apiKey: string; customerRef: string; token: string };
}

const SCRIPT = 'portico-connect.js';

/** The versioned script's URL and integrity, from the manifest (null when the widget is not built here). */
export function scriptOf(context: Pick<SnippetContext, 'origin' | 'manifest'>): { src: string; integrity: string; version: string } | null {
  const file = context.manifest?.files[SCRIPT];
  if (!context.manifest || !file) return null;
  const path = file.url || `/widget/v${context.manifest.version}/${SCRIPT}`;
  return { src: new URL(path, context.origin).href, integrity: file.integrity, version: context.manifest.version };
}

export function curlSnippet(context: SnippetContext): string {
  const body = JSON.stringify({ projectId: context.projectId, customerRef: 'acct_1842', expiresInSeconds: 600 });
  return [
    `# ${context.comments.apiKey}`,
    `curl -s -X POST '${context.origin}/v1/widget-tokens' \\`,
    `  -H "authorization: Bearer $PORTICO_API_KEY" \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '${body}'`,
    `# → { "token": "wt_…", "expiresAt": "…" }`,
  ].join('\n');
}

export function nodeSnippet(context: SnippetContext): string {
  return [
    `// ${context.comments.apiKey}`,
    `const response = await fetch('${context.origin}/v1/widget-tokens', {`,
    `  method: 'POST',`,
    `  headers: { authorization: \`Bearer \${process.env.PORTICO_API_KEY}\`, 'content-type': 'application/json' },`,
    `  body: JSON.stringify({`,
    `    projectId: '${context.projectId}',`,
    `    customerRef: customer.id, // ${context.comments.customerRef}`,
    `    expiresInSeconds: 600,`,
    `  }),`,
    `});`,
    `if (!response.ok) throw new Error(\`widget token: \${response.status}\`);`,
    `const { token, expiresAt } = await response.json();`,
  ].join('\n');
}

export function htmlSnippet(context: SnippetContext): string {
  const script = scriptOf(context);
  const theme = context.theme === 'auto' ? '' : ` theme="${context.theme}"`;
  const lines = script
    ? [`<script src="${script.src}"`, `        integrity="${script.integrity}"`, `        crossorigin="anonymous"></script>`]
    : [`<script src="${context.origin}/widget/${SCRIPT}" crossorigin="anonymous"></script>`];
  return [...lines, `<!-- ${context.comments.token} -->`, `<portico-connect token="wt_…"${theme}></portico-connect>`].join('\n');
}
