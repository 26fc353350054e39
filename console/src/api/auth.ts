/**
 * Accounts: sign-in (password, two-factor code, OpenID Connect), sign-up, password reset and change, two-factor
 * enrolment, the user's sessions, invitation links, and the first organization of a new account.
 * docs/reference/accounts.md describes each route's behaviour.
 */
import { call, client, type paths, type Schemas } from './client';

/** Whether no account exists yet (the first owner comes from the CLI) and the sign-up setting. */
export const getSetup = () => call(client.GET('/v1/auth/setup'));

export interface LoginInput {
  email: string;
  password: string;
  /** With two-factor sign-in on: a 6-digit authenticator code or a recovery code. */
  code?: string;
}
/** Signs in; 401 TOTP_REQUIRED asks for `code` in a second request with the same email and password. */
export const login = (body: LoginInput) => call(client.POST('/v1/auth/login', { body }));

/** Sign-in providers: the instance's, and with `organization` (a slug) that organization's. */
export const listOidcProviders = async (organization?: string) =>
  (await call(client.GET('/v1/auth/oidc/providers', { params: { query: organization ? { organization } : {} } }))).data;

/** Where the browser goes (a full-page navigation, not a fetch) to sign in with a provider. */
export const oidcStartUrl = (providerId: string, redirect: string) =>
  `/v1/auth/oidc/${encodeURIComponent(providerId)}/start?redirect=${encodeURIComponent(redirect)}`;

export type SignupInput = NonNullable<paths['/v1/auth/signup']['post']['requestBody']>['content']['application/json'];
/** Creates an account as accounts.signup allows; with `invitationToken` it joins that organization and is signed in. */
export const signup = (body: SignupInput) => call(client.POST('/v1/auth/signup', { body }));

/**
 * Always 202: a reset link is emailed when the address has an account. The 202 carries no JSON (the server's
 * bodyless 202 is the text "Accepted"), so the answer is read as text and ignored.
 */
export const requestPasswordReset = async (email: string): Promise<void> => {
  await call(client.POST('/v1/auth/password-reset', { body: { email }, parseAs: 'text' }));
};

/** Sets a new password with a reset link's token (400 PASSWORD_RESET_INVALID when it no longer works). */
export const confirmPasswordReset = (token: string, password: string) => call(client.POST('/v1/auth/password-reset/confirm', { body: { token, password } }));

/** Changes the signed-in user's password; every other session is signed out (`sessionsEnded`). */
export const changePassword = (currentPassword: string, newPassword: string) => call(client.POST('/v1/auth/password', { body: { currentPassword, newPassword } }));

export const getTotpStatus = () => call(client.GET('/v1/auth/totp'));
/** A new authenticator secret and its otpauth:// URI, shown once. */
export const startTotp = () => call(client.POST('/v1/auth/totp'));
/** Turns two-factor sign-in on; answers the ten recovery codes, shown once. */
export const confirmTotp = (code: string) => call(client.POST('/v1/auth/totp/confirm', { body: { code } }));
export const disableTotp = (password: string, code: string) => call(client.POST('/v1/auth/totp/disable', { body: { password, code } }));

export const listSessions = async () => (await call(client.GET('/v1/auth/sessions'))).data;
export const revokeSession = (sessionId: string) => call(client.DELETE('/v1/auth/sessions/{sessionId}', { params: { path: { sessionId } } }));
export const revokeOtherSessions = () => call(client.POST('/v1/auth/sessions/revoke-others'));

/** What an invitation link invites to (410 INVITATION_INVALID when it no longer works). */
export const previewInvitation = (token: string) => call(client.POST('/v1/invitations:preview', { body: { token } }));
/** Accepts as the signed-in user (403 INVITATION_EMAIL_MISMATCH for another address). */
export const acceptInvitation = (token: string) => call(client.POST('/v1/invitations:accept', { body: { token } }));

/** A new organization owned by the caller (sign-up open, or an operator; else 403). */
export const createOrganization = (name: string, slug: string) => call(client.POST('/v1/organizations', { body: { name, slug } }));

export type Setup = Awaited<ReturnType<typeof getSetup>>;
export type OidcProvider = Schemas['OidcProvider'];
export type UserSession = Awaited<ReturnType<typeof listSessions>>[number];
export type TotpEnrolment = Awaited<ReturnType<typeof startTotp>>;
export type InvitationPreview = Awaited<ReturnType<typeof previewInvitation>>;
