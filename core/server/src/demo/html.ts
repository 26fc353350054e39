/** Text for HTML content and quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const BASE_CSS = `
  *{box-sizing:border-box}
  body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;background:#f3f4f6}
  header.top{display:flex;align-items:center;gap:1rem;padding:.75rem 1.5rem;background:#111827;color:#fff}
  header.top .brand{font-weight:700;font-size:1.1rem}
  header.top .who{margin-left:auto;color:#d1d5db;font-size:.9rem}
  .layout{display:grid;grid-template-columns:13rem 1fr;gap:1.5rem;max-width:68rem;margin:1.5rem auto;padding:0 1rem}
  .side{display:flex;flex-direction:column;gap:.25rem}
  .side a{color:#374151;text-decoration:none;padding:.4rem .75rem;border-radius:6px}
  .side a[aria-current]{background:#e0e7ff;color:#3730a3;font-weight:600}
  main{min-width:0}
  h1{margin:.25rem 0 .5rem;font-size:1.6rem}
  h2{margin:0;font-size:1.1rem}
  .crumbs{color:#6b7280;font-size:.9rem}.crumbs a{color:inherit}
  .lead{color:#4b5563;max-width:42rem}
  .hint{color:#6b7280;margin:.25rem 0}
  .card{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:1.25rem;margin:1rem 0}
  button,.button{font:inherit;border:1px solid #d1d5db;background:#fff;border-radius:6px;padding:.45rem .9rem;cursor:pointer}
  button.primary{background:#4f46e5;border-color:#4f46e5;color:#fff}
  button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #6366f1;outline-offset:2px}
  code{background:#f3f4f6;padding:0 .25rem;border-radius:4px}
  @media (max-width:720px){.layout{grid-template-columns:1fr}}`;

/** A complete page: a top bar with the brand, a side navigation and the main content. */
export function pageShell(input: { title: string; brand: string; who?: string; nav: string; main: string; css: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(input.title)}</title>
  <style>${BASE_CSS}${input.css}</style>
</head>
<body>
  <header class="top"><span class="brand">${escapeHtml(input.brand)}</span><span class="who">${escapeHtml(input.who ?? 'Signed in as Dana (demo customer)')}</span></header>
  <div class="layout">
    ${input.nav}
    <main>${input.main}</main>
  </div>
</body>
</html>
`;
}
