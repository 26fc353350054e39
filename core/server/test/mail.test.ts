import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressHash } from '../src/modules/mail/mailer.ts';
import { MAIL_TEMPLATE_NAMES, renderMail } from '../src/modules/mail/templates.ts';
import { startTestPortico, type TestPortico } from './helpers.ts';
import { recipients, startSmtpServer, type TestSmtpServer } from './smtp.ts';

const LINK = 'https://portico.example/reset-password?token=secret-link-token-123';

describe('mail: templates', () => {
  it('renders readable text and escaped HTML', () => {
    const mail = renderMail('webhook-disabled', { endpointUrl: 'https://hooks.example/<x>', organizationName: 'Acme & Co', reason: '10 failures in a row' });
    expect(mail.subject).toBe('Webhook disabled in Acme & Co');
    expect(mail.text).toContain('https://hooks.example/<x>');
    expect(mail.html).toContain('https://hooks.example/&lt;x&gt;');
    expect(mail.html).not.toContain('<x>');
  });

  it('has every template listed once', () => {
    expect(new Set(MAIL_TEMPLATE_NAMES).size).toBe(MAIL_TEMPLATE_NAMES.length);
    expect(MAIL_TEMPLATE_NAMES).toEqual(expect.arrayContaining(['invitation', 'password-reset', 'password-changed', 'webhook-disabled', 'notification-digest']));
  });
});

describe('mail: through a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let portico: TestPortico;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    portico = await startTestPortico({ mail: { smtp: { host: smtp.host, port: smtp.port, secure: false }, from: 'Portico <no-reply@portico.test>' } });
  });
  afterAll(async () => {
    await portico?.stop();
    await smtp?.stop();
  });

  it('delivers a queued template through the mail.send job, with text and HTML parts', async () => {
    const { mailer } = portico.container.cradle;
    await mailer.enqueue('Someone@Example.test', 'password-reset', { resetUrl: LINK, expiresInMinutes: 30 });
    const message = await smtp.waitFor((m) => recipients(m).includes('someone@example.test'));
    expect(message.subject).toBe('Reset your Portico password');
    expect(message.from?.text).toContain('no-reply@portico.test');
    expect(message.text).toContain(LINK);
    expect(message.html).toContain('reset-password?token=secret-link-token-123');
  });

  it('keeps the link out of the job table and the address, content and link out of the logs', async () => {
    const rows = await portico.container.cradle.orm.em.fork().getConnection().execute(`select data::text as data from pgboss.job where name = 'mail.send'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows as { data: string }[]) {
      expect(row.data).not.toContain('secret-link-token');
      expect(row.data).not.toContain('example.test');
    }
    const logs = portico.logs.join('');
    expect(logs).toContain(addressHash('someone@example.test'));
    expect(logs).not.toContain('secret-link-token');
    expect(logs.toLowerCase()).not.toContain('someone@example.test');
    expect(logs).not.toContain('Reset your Portico password');
  });
});

describe('mail: without SMTP', () => {
  let portico: TestPortico;
  beforeAll(async () => {
    portico = await startTestPortico();
  });
  afterAll(async () => portico?.stop());

  it('logs "would send <template> to <hash>" and nothing of the content', async () => {
    const { mailer } = portico.container.cradle;
    expect(mailer.enabled).toBe(false);
    await mailer.sendTemplate('nobody@example.test', 'password-reset', { resetUrl: LINK, expiresInMinutes: 30 });
    const logs = portico.logs.join('');
    expect(logs).toContain(`would send password-reset to ${addressHash('nobody@example.test')}`);
    expect(logs).not.toContain('secret-link-token');
    expect(logs).not.toContain('nobody@example.test');
  });
});
