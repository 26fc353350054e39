import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { User } from '../../core/server/src/modules/users/entity.ts';
import { hashPassword } from '../../core/server/src/modules/users/password.ts';
import type { ConsoleStack } from './stack.ts';

/**
 * The page's errors without the browser's own lines for answers the page expected and explained (a 401 for
 * "signed out" or a wrong password, a 400 wrong code, a 403 refusal, a 410 dead link): those are the journeys' subject, not faults.
 */
export function unexpectedErrors(errors: string[]): string[] {
  return errors.filter((line) => !/Failed to load resource: the server responded with a status of (400|401|403|410|429)/.test(line));
}

/** An account that belongs to no organization (as after leaving the last one), with a known password. */
export async function createLoneUser(stack: ConsoleStack): Promise<{ email: string; password: string }> {
  const em = stack.portico.container.cradle.orm.em.fork();
  const email = `lone-${randomBytes(4).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  em.create(User, { email, name: 'Lone Person', passwordHash: await hashPassword(password) });
  await em.flush();
  return { email, password };
}

/** Fills and sends the sign-in form's first step. */
export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
