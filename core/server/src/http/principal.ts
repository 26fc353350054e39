/** Who is calling: a console user (session cookie) or an API key. Set by the authenticate middleware. */
export type Principal =
  | { kind: 'user'; userId: string; sessionId: string }
  | { kind: 'api_key'; keyId: string; organizationId: string; projectId: string | null; scopes: string[] };
