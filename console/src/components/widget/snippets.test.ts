import { describe, expect, it } from 'vitest';
import { ApiError } from '@/api/client';
import { originErrors } from './origin-errors';
import { curlSnippet, htmlSnippet, nodeSnippet, type SnippetContext } from './snippets';

const context: SnippetContext = {
  origin: 'https://portico.example.com',
  projectId: 'p-1',
  theme: 'auto',
  manifest: { version: '0.1.0', files: { 'portico-connect.js': { url: '/widget/v0.1.0/portico-connect.js', integrity: 'sha384-abc', bytes: 1, gzipBytes: 1 } } },
  comments: { apiKey: 'server only', customerRef: 'customer', token: 'token here' },
};

describe('embed snippets', () => {
  it('pins the manifest’s version and integrity in the script tag', () => {
    expect(htmlSnippet(context)).toBe(
      [
        '<script src="https://portico.example.com/widget/v0.1.0/portico-connect.js"',
        '        integrity="sha384-abc"',
        '        crossorigin="anonymous"></script>',
        '<!-- token here -->',
        '<portico-connect token="wt_…"></portico-connect>',
      ].join('\n'),
    );
    expect(htmlSnippet({ ...context, theme: 'dark' })).toContain('<portico-connect token="wt_…" theme="dark">');
  });

  it('falls back to the latest script without integrity when the widget is not built', () => {
    const html = htmlSnippet({ ...context, manifest: null });
    expect(html).toContain('src="https://portico.example.com/widget/portico-connect.js"');
    expect(html).not.toContain('integrity');
  });

  it('asks for the token from the server with the key from the environment, never a real secret', () => {
    for (const code of [curlSnippet(context), nodeSnippet(context)]) {
      expect(code).toContain('https://portico.example.com/v1/widget-tokens');
      expect(code).toContain('PORTICO_API_KEY');
      expect(code).toContain('p-1');
      expect(code).not.toMatch(/pk_[a-z0-9]/);
    }
  });
});

describe('originErrors', () => {
  it('maps each refused origin to its index and keeps the rest general', () => {
    const error = new ApiError('VALIDATION_FAILED', 'Invalid body', 400, {
      issues: [
        { in: 'body', path: 'allowedOrigins.1', message: 'must use https' },
        { in: 'body', path: 'allowedOrigins', message: 'too many' },
      ],
    });
    const { byIndex, general } = originErrors(error);
    expect([...byIndex]).toEqual([[1, 'must use https']]);
    expect(general).toEqual(['too many']);
  });

  it('falls back to the message when there are no issues', () => {
    expect(originErrors(new ApiError('VALIDATION_FAILED', 'Invalid body', 400)).general).toEqual(['Invalid body']);
  });
});
