/**
 * The hostname the connect form will send, previewed as the user types: a pasted URL is reduced to its host (no
 * scheme, path, port or user), lower case, one trailing dot dropped, internationalised names also shown as the
 * A-label the server stores. Only plain mistakes are caught here; the server's normaliser has the last word
 * (public suffixes, unknown TLDs, reserved names answer HOSTNAME_INVALID with a reason).
 */
export type HostnameProblem = 'empty' | 'single_label' | 'label_invalid' | 'too_long';

export interface HostnamePreview {
  /** What is sent to the server (A-labels), or '' when there is a problem. */
  ascii: string;
  /** The same name as people read it (the typed Unicode, lower case). */
  display: string;
  /** True when the typed text was reduced (a URL, a port, upper case, a trailing dot): the preview is worth showing. */
  changed: boolean;
  problem: HostnameProblem | null;
}

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function hostOf(input: string): string {
  let text = input.trim();
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''); // scheme
  text = text.replace(/^[^/?#]*@/, ''); // user info
  text = text.split(/[/?#\s]/)[0] ?? ''; // path, query, fragment, anything after a space
  text = text.replace(/:\d*$/, ''); // port
  return text.replace(/\.$/, '').toLowerCase();
}

function toAscii(host: string): string | null {
  if (/^[\x21-\x7e]*$/.test(host)) return host;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

export function previewHostname(input: string): HostnamePreview {
  const display = hostOf(input);
  const none = (problem: HostnameProblem): HostnamePreview => ({ ascii: '', display, changed: display !== input.trim(), problem });
  if (!display) return none('empty');
  const ascii = toAscii(display);
  if (ascii === null) return none('label_invalid');
  if (ascii.length > 253) return none('too_long');
  const labels = ascii.split('.');
  if (labels.length < 2) return none('single_label');
  if (!labels.every((label) => label.length <= 63 && LDH_LABEL.test(label))) return none('label_invalid');
  return { ascii, display, changed: display !== input.trim() || ascii !== display, problem: null };
}
