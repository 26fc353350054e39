// Regenerate docs/reference/errors.md from the error registry.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/errors/errors-doc.ts';

writeFileSync(new URL('../../../docs/reference/errors.md', import.meta.url), renderErrorsDoc());
