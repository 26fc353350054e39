/**
 * Who is calling: a console user (session cookie), an API key, or the Connect widget in a SaaS's page (a widget
 * token, from one of its project's allowed origins). Set by the authenticate middleware.
 */
export type Principal =
  | { kind: 'user'; userId: string; sessionId: string }
  | { kind: 'api_key'; keyId: string; organizationId: string; projectId: string | null; scopes: string[] }
  | {
      kind: 'widget';
      tokenId: string;
      organizationId: string;
      projectId: string;
      /** The only hostname the widget may connect (with `includeSubdomains`, also the names under it); null: any. */
      hostname: string | null;
      includeSubdomains: boolean;
      customerRef: string | null;
      expiresAt: Date;
      /** The page origin the request came from (one of the project's allowed origins). */
      origin: string;
    };
