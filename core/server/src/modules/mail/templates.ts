/**
 * Every email Portico sends, declared once: name → the data it takes → subject, readable plain text and simple
 * HTML. Add a template by adding an entry to `MailTemplates` and to `TEMPLATES`; the mailer and its job take the
 * name, never ready-made content. Values are escaped in the HTML; links are shown in full in the text part.
 */

export interface MailTemplates {
  /** Someone was invited to an organization (or one of its projects). */
  invitation: { organizationName: string; inviterName?: string; role: string; acceptUrl: string; expiresAt: string };
  /** A password-reset link (works once, until `expiresInMinutes` have passed). */
  'password-reset': { resetUrl: string; expiresInMinutes: number };
  /** The account's password was changed or reset; other sessions were signed out. */
  'password-changed': { at: string; how: 'changed' | 'reset' };
  /** Two-factor sign-in was turned on or off, or a recovery code was used. */
  'two-factor-changed': { at: string; change: 'enabled' | 'disabled' | 'recovery-code-used'; recoveryCodesLeft?: number };
  /** A sign-in from a browser that had not signed in before. */
  'new-sign-in': { at: string; address: string; userAgent: string };
  /** Deliveries to a webhook endpoint kept failing, so it was disabled. */
  'webhook-disabled': { endpointUrl: string; organizationName: string; reason: string; consoleUrl?: string };
  /** One in-app notification, mailed because the user asked for email in its category (modules/notifications). */
  notification: { organizationName: string; title: string; body: string; url?: string };
  /** The daily digest of a user's unread notifications since the last digest; `more` counts those left out. */
  'notification-digest': { items: { organizationName: string; title: string; url?: string }[]; more: number; consoleUrl?: string };
}

export type MailTemplateName = keyof MailTemplates;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** A paragraph is a string; a link is `{ label, url }`. */
type Block = string | { label: string; url: string };

interface Template<D> {
  subject(data: D): string;
  body(data: D): Block[];
}

const TEMPLATES: { [K in MailTemplateName]: Template<MailTemplates[K]> } = {
  invitation: {
    subject: (d) => `You are invited to ${d.organizationName} on Portico`,
    body: (d) => [
      `${d.inviterName ?? 'Someone'} invited you to join ${d.organizationName} as ${d.role}.`,
      { label: 'Accept the invitation', url: d.acceptUrl },
      `The invitation expires on ${d.expiresAt}. If you did not expect it, ignore this email.`,
    ],
  },
  'password-reset': {
    subject: () => 'Reset your Portico password',
    body: (d) => [
      'Someone (hopefully you) asked to reset the password of your Portico account.',
      { label: 'Choose a new password', url: d.resetUrl },
      `The link works once, for ${d.expiresInMinutes} minutes. If you did not ask for it, ignore this email: your password stays as it is.`,
    ],
  },
  'password-changed': {
    subject: () => 'Your Portico password was changed',
    body: (d) => [
      `The password of your Portico account was ${d.how} at ${d.at}, and every other session was signed out.`,
      'If this was not you, reset your password now and tell your organization’s owner.',
    ],
  },
  'two-factor-changed': {
    subject: (d) => (d.change === 'enabled' ? 'Two-factor sign-in is on' : d.change === 'disabled' ? 'Two-factor sign-in was turned off' : 'A recovery code was used'),
    body: (d) => [
      d.change === 'enabled'
        ? `Two-factor sign-in was turned on for your Portico account at ${d.at}.`
        : d.change === 'disabled'
          ? `Two-factor sign-in was turned off for your Portico account at ${d.at}.`
          : `A recovery code was used to sign in to your Portico account at ${d.at}; ${d.recoveryCodesLeft ?? 0} codes are left.`,
      'If this was not you, reset your password now and tell your organization’s owner.',
    ],
  },
  'new-sign-in': {
    subject: () => 'New sign-in to your Portico account',
    body: (d) => [`Your account was signed in to at ${d.at} from ${d.address} (${d.userAgent}).`, 'If this was not you, reset your password now.'],
  },
  'webhook-disabled': {
    subject: (d) => `Webhook disabled in ${d.organizationName}`,
    body: (d) => [
      `Deliveries to the webhook endpoint ${d.endpointUrl} kept failing, so Portico disabled it: ${d.reason}.`,
      'Events are no longer sent to it. Fix the endpoint, then enable it again in the console.',
      ...(d.consoleUrl ? [{ label: 'Open the webhook', url: d.consoleUrl }] : []),
    ],
  },
  notification: {
    subject: (d) => `${d.title} (${d.organizationName})`,
    body: (d) => [d.body, ...(d.url ? [{ label: 'Open in Portico', url: d.url }] : []), 'You get this email because of your notification preferences; change them in the console.'],
  },
  'notification-digest': {
    subject: (d) => {
      const count = d.items.length + d.more;
      return `Portico: ${count} unread notification${count === 1 ? '' : 's'}`;
    },
    body: (d) => [
      'Unread notifications since your last digest:',
      ...d.items.map((item): Block => (item.url ? { label: `${item.organizationName}: ${item.title}`, url: item.url } : `• ${item.organizationName}: ${item.title}`)),
      ...(d.more > 0 ? [`…and ${d.more} more.`] : []),
      ...(d.consoleUrl ? [{ label: 'Open Portico', url: d.consoleUrl }] : []),
      'You get this digest because of your notification preferences; change them in the console.',
    ],
  },
};

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderMail<K extends MailTemplateName>(name: K, data: MailTemplates[K]): RenderedMail {
  const template = TEMPLATES[name] as Template<MailTemplates[K]> | undefined;
  if (!template) throw new Error(`unknown mail template "${String(name)}"`);
  const blocks = template.body(data);
  const text = `${blocks.map((b) => (typeof b === 'string' ? b : `${b.label}:\n${b.url}`)).join('\n\n')}\n\n— Portico\n`;
  const paragraphs = blocks
    .map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b)}</p>`
        : `<p><a href="${escapeHtml(b.url)}" style="display:inline-block;padding:8px 14px;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(b.label)}</a></p><p style="font-size:12px;color:#555">${escapeHtml(b.url)}</p>`,
    )
    .join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#111;max-width:560px">\n${paragraphs}\n<p style="color:#555">— Portico</p></body></html>\n`;
  return { subject: template.subject(data), text, html };
}

export const MAIL_TEMPLATE_NAMES = Object.keys(TEMPLATES) as MailTemplateName[];
