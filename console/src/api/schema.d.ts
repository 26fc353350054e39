// Generated from docs/reference/openapi.json by console/scripts/api-types.ts; do not edit.
/* eslint-disable */
export interface paths {
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An organization's audit log, newest first (owner or admin; keys need audit:read) */
        get: {
            parameters: {
                query: {
                    action?: string;
                    actorId?: string;
                    actorKind?: "user" | "api_key" | "widget" | "operator" | "system" | "anonymous";
                    cursor?: string;
                    /** @description Entries at or after this time (ISO 8601, e.g. 2026-12-01T00:00:00Z). */
                    from?: string;
                    limit?: number;
                    organizationId: string;
                    outcome?: "success" | "denied";
                    targetId?: string;
                    targetKind?: string;
                    /** @description Entries before this time (ISO 8601). */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["AuditEntry"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with email and password; sets an HttpOnly session cookie. 429 LOGIN_RATE_LIMITED with Retry-After after too many attempts for the account or from the address */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description With two-factor sign-in on: a 6-digit authenticator code or a recovery code (without it: 401 TOTP_REQUIRED). */
                        code?: string;
                        /** Format: email */
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Send as x-csrf-token on every cookie-authenticated write. */
                            csrfToken: string;
                            expiresAt: string;
                            user: {
                                email: string;
                                id: string;
                                name: string;
                                /** @description An instance operator: may open the operator pages (edges, every organization, plans). */
                                operator: boolean;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out: ends the session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/oidc/{provider}/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the provider sends the browser back: validates the answer, signs in (HttpOnly session cookie, as with a password) and 302s to the `redirect` given at the start */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/oidc/{provider}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Start signing in with an OpenID Connect provider: 302 to the provider. `redirect` (a path on this site) is where the browser lands afterwards */
        get: {
            parameters: {
                query?: {
                    redirect?: string;
                };
                header?: never;
                path: {
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/oidc/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OpenID Connect providers the sign-in page can offer: the instance’s, and with `organization` (a slug) that organization’s */
        get: {
            parameters: {
                query?: {
                    organization?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["OidcProvider"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change your password (the current one is needed); every other session is signed out and you get an email */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        /** @description At least 12 characters. */
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            sessionsEnded: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask for a password-reset link by email. Always 202, whether or not the address has an account; requests past a limit send nothing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with the token from a reset link (works once, for 30 minutes by default); every session is signed out */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description At least 12 characters. */
                        password: string;
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user and the CSRF token */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Send as x-csrf-token on every cookie-authenticated write. */
                            csrfToken: string;
                            expiresAt: string;
                            user: {
                                email: string;
                                id: string;
                                name: string;
                                /** @description An instance operator: may open the operator pages (edges, every organization, plans). */
                                operator: boolean;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your signed-in sessions (browsers), newest first; `current` marks this one */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                createdAt: string;
                                /** @description The session this request was made with. */
                                current: boolean;
                                expiresAt: string;
                                id: string;
                                ip: string | null;
                                lastSeenAt: string | null;
                                userAgent: string | null;
                            }[];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sessions/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Sign out one of your sessions (404 for a session that is not yours) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    sessionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sessions/revoke-others": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out every session of yours except this one */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            sessionsEnded: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public facts for the sign-in page: whether no account exists yet (create the first owner with the CLI) and the sign-up setting */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description No account exists yet: the first owner is made with `npm run portico -- users create-owner`. */
                            needsOwner: boolean;
                            /**
                             * @description accounts.signup: whether POST /v1/auth/signup works without an invitation (open), only with one (invite-only), or not at all (closed).
                             * @enum {string}
                             */
                            signup: "open" | "invite-only" | "closed";
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account, as accounts.signup allows (403 SIGNUP_CLOSED otherwise). Open sign-up answers the same whether or not the address has an account (sign in next); with invitationToken the account joins the organization and is signed in */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * Format: email
                         * @description Required for open sign-up; with an invitation, the invited address is used.
                         */
                        email?: string;
                        /** @description The token of an invitation link: the account joins that organization instead. */
                        invitationToken?: string;
                        name?: string;
                        /** @description Open sign-up: the organization created, owned by the new account. */
                        organizationName?: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description With status joined: send as x-csrf-token on every cookie-authenticated write. */
                            csrfToken?: string;
                            organizationId?: string;
                            /** @enum {string} */
                            status: "accepted" | "joined";
                            user?: {
                                email: string;
                                id: string;
                                name: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether two-factor sign-in is on, and how many recovery codes are left */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                            recoveryCodesLeft: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Start two-factor enrolment: a new authenticator secret and its otpauth:// URI (for a QR code), shown once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Base32, for typing into the app. */
                            secret: string;
                            uri: string;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn two-factor sign-in on with a code from the app; returns ten one-time recovery codes, shown once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description A 6-digit authenticator code, or a recovery code (`abcde-fghjk`). */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recoveryCodes: string[];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/totp/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn two-factor sign-in off: needs your password and a code (or a recovery code) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description A 6-digit authenticator code, or a recovery code (`abcde-fghjk`). */
                        code: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dns-credentials/{credentialId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a stored credential; domains set up with it keep their records and fall back to manual setup */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    credentialId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains:check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a hostname: its zone and DNS provider, whether automatic setup is possible (and how), the records either way */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @example shop.customer.com */
                        hostname: string;
                        method?: string;
                        /**
                         * Format: uuid
                         * @description Needed when the caller belongs to several organizations (API keys: implied).
                         */
                        organizationId?: string;
                        /**
                         * Format: uuid
                         * @description Look for stored credentials of this project only.
                         */
                        projectId?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DomainCheck"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One domain with its status, instructions and next check */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Domain"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete (archive) a domain; one in use needs the owner role and confirm=<hostname> */
        delete: {
            parameters: {
                query?: {
                    confirm?: string;
                };
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            hostname: string;
                            id: string;
                            /** @constant */
                            status: "archived";
                            usage: components["schemas"]["DomainUsage"];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}/certificates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The certificates of a domain's hostnames: status, issuer, expiry, last error and the next retry */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Certificate"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Obtain (or renew) certificates now through the configured issuer (202; at most one order per hostname at a time) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Default: every mapped host of the domain, else the domain. */
                        hostname?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            hostnames: string[];
                            orders: components["schemas"]["CertificateOrder"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}/dns-diff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The records the domain needs against what its authoritative DNS servers answer now */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DnsDiff"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}/dns-plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dry run: what automatic setup would write with a credential (or provider), and what is in the way */
        get: {
            parameters: {
                query?: {
                    adopt?: "true" | "false";
                    credentialId?: string;
                    provider?: string;
                };
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DnsPlan"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}/dns-setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start automatic setup: a job writes the records, then the domain propagates and is verified (202) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * @description Take over record sets Portico did not write instead of stopping at them.
                         * @default false
                         */
                        adopt?: boolean;
                        /**
                         * Format: uuid
                         * @description A stored credential of the provider that hosts the zone.
                         */
                        credentialId?: string;
                        /** @description A consent-based provider (domainconnect) when no credential is given. */
                        provider?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Domain"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status history: every transition with its reason and message */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["DomainEvent"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Which projects use the domain, and how many services are mapped on it (shown before a delete) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            count: number;
                            projects: {
                                id: string;
                                name: string;
                                slug: string;
                            }[];
                            /** @description Services with a mapping on the domain, in the projects the caller may see. */
                            services: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domainId}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify now: queues a check (202); 429 with Retry-After when asked again too soon */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Domain"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/edges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The edges Portico drives, with their health and last sync */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Edge"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events the caller may see, oldest first, after a cursor (keyset pages; poll with the last `nextCursor`) */
        get: {
            parameters: {
                query: {
                    /** @description A cursor from an earlier page or event; `latest`: no events, and `nextCursor` is the newest event’s (to follow from now on). */
                    after?: string | "latest";
                    limit?: number;
                    organizationId: string;
                    projectId?: string;
                    /** @description Comma-separated event types of the catalogue (docs/reference/events.md); all when omitted. */
                    type?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                cursor: string;
                                customerRef: string | null;
                                data: {
                                    [key: string]: unknown;
                                };
                                id: string;
                                occurredAt: string;
                                organizationId: string;
                                projectId: string | null;
                                subject: {
                                    id: string;
                                    kind: string;
                                };
                                type: components["schemas"]["EventType"];
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live events as server-sent events (text/event-stream); `Last-Event-ID` (or `after`) resumes after a cursor */
        get: {
            parameters: {
                query: {
                    after?: string;
                    organizationId: string;
                    projectId?: string;
                    /** @description Comma-separated event types of the catalogue (docs/reference/events.md); all when omitted. */
                    type?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A server-sent event stream: each event is `id: <cursor>`, `event: <type>` and `data: <the event as JSON, as in GET /v1/events, without cursor>`; a `: heartbeat` comment keeps the connection open. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations:accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept an invitation as the signed-in user, whose email must be the invited address (new people: POST /v1/auth/signup with invitationToken) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            organizationId: string;
                            projectIds: string[];
                            /** @enum {string} */
                            role: "owner" | "admin" | "project_admin" | "project_member";
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations:preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What an invitation link invites to (organization name, address, role), for the page that asks to accept it. 410 INVITATION_INVALID when it no longer works */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            email: string;
                            expiresAt: string;
                            organizationName: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "project_admin" | "project_member";
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mappings/{mappingId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a mapping */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    mappingId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a mapping (validated and conflict-checked like a new one; the edges follow within seconds) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    mappingId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * @description External base path; default "/".
                         * @example /v1
                         */
                        basePath?: string;
                        /** @description Path the service listens on; default "/". */
                        internalPath?: string;
                        /** @description Default: the service's port. */
                        internalPort?: number;
                        primary?: boolean;
                        /** @enum {string} */
                        protocol?: "https" | "http" | "both" | "redirect-to-https";
                        redirectStatus?: 301 | 308;
                        /** Format: uuid */
                        serviceId?: string;
                        /** @description Remove the base path before forwarding (default on; off without a base path). */
                        stripPath?: boolean;
                        /** @example api */
                        subdomain?: string | null;
                        /** @enum {string} */
                        tlsSource?: "acme" | "uploaded" | "none";
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ServiceDomainMapping"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller’s notifications, newest first (keyset pages: pass nextCursor back as cursor) */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                    /** @description true: unread only. */
                    unread?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Notification"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/{notificationId}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark one of the caller’s notifications read */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    notificationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Notification"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/preferences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller’s notification preferences (topics not listed take the defaults) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["NotificationPreferenceOutput"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Turn channels on or off per category or event type (listed pairs change; others stay) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        preferences: components["schemas"]["NotificationPreference"][];
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["NotificationPreferenceOutput"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/read-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark every unread notification of the caller read */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            updated: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/unread-count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many of the caller’s notifications are unread (the bell’s badge) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            unread: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The whole installation's audit log, newest first (instance operators): entries of every organization and those naming none */
        get: {
            parameters: {
                query?: {
                    action?: string;
                    actorId?: string;
                    actorKind?: "user" | "api_key" | "widget" | "operator" | "system" | "anonymous";
                    cursor?: string;
                    /** @description Entries at or after this time (ISO 8601, e.g. 2026-12-01T00:00:00Z). */
                    from?: string;
                    limit?: number;
                    organizationId?: string;
                    outcome?: "success" | "denied";
                    targetId?: string;
                    targetKind?: string;
                    /** @description Entries before this time (ISO 8601). */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["AuditEntry"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/edges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every edge with its full status: health, last sync, routes, last error and left-out routes (instance operators only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["OperatorEdge"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/edges/{edgeId}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dry run: what a reconcile would change at the edge (a unified diff), nothing pushed (instance operators only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    edgeId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description false when the edge plugin has no dry run (its configuration is served, not pushed). */
                            available: boolean;
                            changed: boolean;
                            diff: string;
                            id: string;
                            routes: number;
                            skipped: {
                                mappingId: string | null;
                                message: string;
                                reason: string;
                            }[];
                            summary: string;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/edges/{edgeId}/reconcile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Render the route table and push it to the edge now; 502 EDGE_RECONCILE_FAILED with the edge’s error when it does not arrive (instance operators only) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    edgeId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string | null;
                            durationMs: number;
                            id: string;
                            routes: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every organization of the installation, deleted ones included (instance operators only: 403 OPERATOR_REQUIRED) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    offset?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                createdAt: string;
                                deletedAt: string | null;
                                domains: number;
                                id: string;
                                members: number;
                                name: string;
                                slug: string;
                            }[];
                            total: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Put an organization on a plan without the billing step (instance operators only: 403 OPERATOR_REQUIRED) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        organizationId: string;
                        planId: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscription"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every account of the installation (instance operators only: 403 OPERATOR_REQUIRED) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    offset?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                createdAt: string;
                                email: string;
                                id: string;
                                name: string;
                                operator: boolean;
                                organizations: number;
                            }[];
                            total: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Organizations the caller belongs to */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Organization"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create an organization owned by the caller (when sign-up is open, or by an instance operator) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        name: string;
                        slug: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Organization"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One organization */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Organization"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an organization (owner, confirm=<slug>): archives its domains (their routes leave the edges), removes its members, invitations, API keys, widget tokens and DNS credentials */
        delete: {
            parameters: {
                query?: {
                    confirm?: string;
                };
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            archivedDomains: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename an organization (admin) or change its slug (owner; the edges are reconciled with the new name) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        name?: string;
                        slug?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Organization"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/organizations/{organizationId}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API keys of an organization (owner or admin) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["ApiKey"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create an API key; the secret is in this response only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        name: string;
                        projectId?: string | null;
                        scopes: ("domains:read" | "domains:write" | "projects:read" | "projects:write" | "dns-credentials:read" | "dns-credentials:write" | "widget-tokens:write" | "audit:read" | "webhooks:read" | "webhooks:write" | "events:read")[];
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            /** @description The visible part of the key: pk_<prefix>_… */
                            prefix: string;
                            projectId: string | null;
                            revokedAt: string | null;
                            scopes: ("domains:read" | "domains:write" | "projects:read" | "projects:write" | "dns-credentials:read" | "dns-credentials:write" | "widget-tokens:write" | "audit:read" | "webhooks:read" | "webhooks:write" | "events:read")[];
                            /** @description Shown once; store it now. */
                            secret: string;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/api-keys/{apiKeyId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an API key; it stops working at once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    apiKeyId: string;
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiKey"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/domains": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Domains of an organization the caller can reach: search, status filter, sort, keyset pages, what uses each */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                    /** @description Case-insensitive part of the hostname. */
                    q?: string;
                    sort?: "hostname" | "-hostname" | "createdAt" | "-createdAt" | "verifiedAt" | "-verifiedAt";
                    /** @description Comma-separated statuses, e.g. pending,failed_temporary. */
                    status?: string;
                };
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["DomainListItem"][];
                            nextCursor: string | null;
                            /** @description How many domains match, counted up to 10,000: past that, this is 10000 and totalIsExact is false. */
                            total: number;
                            /** @description False when more than 10,000 domains match (the count stops there). */
                            totalIsExact: boolean;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Add a domain (optionally to a project); the response lists the records to create */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Your reference for the customer (opaque, at most 200 characters); echoed in the domain’s events. A widget token’s own reference replaces it. */
                        customerRef?: string;
                        /**
                         * Format: uuid
                         * @description Set the records up automatically with this stored provider credential.
                         */
                        dnsCredentialId?: string;
                        /** @example shop.customer.com */
                        hostname: string;
                        /** @description Verification method; defaults to dns-txt. */
                        method?: string;
                        projectId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Domain"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/domains:bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify or delete up to 100 domains at once; each id gets its own result (unknown or foreign ids: NOT_FOUND) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        action: "verify" | "delete";
                        /** @description Delete: `delete <n> domains` (n = the number of distinct ids) confirms deleting the domains that are in use (owners only). */
                        confirm?: string;
                        /** @description At most 100 domain ids; repeated ids are handled once. */
                        domainIds: string[];
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            results: components["schemas"]["DomainBulkResult"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization’s invitations, newest first (admins) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Invitation"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Invite someone by email (admins; owners for the owner role). The link is emailed and returned once as acceptUrl */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        /** @description Required for project_admin and project_member; omitted for owner and admin. */
                        projectIds?: string[];
                        /** @enum {string} */
                        role: "owner" | "admin" | "project_admin" | "project_member";
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            acceptedAt: string | null;
                            /** @description Shown once: the link the email carries. */
                            acceptUrl: string;
                            createdAt: string;
                            email: string;
                            expiresAt: string;
                            id: string;
                            organizationId: string;
                            projectIds: string[];
                            /** @enum {string} */
                            role: "owner" | "admin" | "project_admin" | "project_member";
                            /** @enum {string} */
                            status: "pending" | "accepted" | "revoked" | "expired";
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/invitations/{invitationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an invitation (admins): its link stops working */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    invitationId: string;
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Invitation"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization’s people and their roles (a caller with project roles sees owners, admins and its own projects’ members) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Member"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a person from the organization, or leave it (your own user id). 409 LAST_OWNER for its last owner */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/members/{userId}/role": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace a person’s role (admins; owners for owner roles). 409 LAST_OWNER when it would demote the last owner */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Required for project_admin and project_member; omitted for owner and admin. */
                        projectIds?: string[];
                        /** @enum {string} */
                        role: "owner" | "admin" | "project_admin" | "project_member";
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Member"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/oidc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization’s own OpenID Connect provider (admin or owner); 404 when it has none */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OrganizationOidcProvider"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Set the organization’s OpenID Connect provider (owner). The issuer’s discovery document is read first; the client secret is stored sealed and never returned. People signing in through it become members */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        allowedEmailDomains?: string[] | null;
                        clientId: string;
                        clientSecret?: string | null;
                        displayName: string;
                        /** @default true */
                        enabled?: boolean;
                        /** @default false */
                        enforce?: boolean;
                        /** Format: uri */
                        issuer: string;
                        /**
                         * @default [
                         *       "openid",
                         *       "email",
                         *       "profile"
                         *     ]
                         */
                        scopes?: string[];
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OrganizationOidcProvider"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /** Remove the organization’s OpenID Connect provider (owner); identities already linked keep their accounts */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Projects (applications) of an organization the caller can reach */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Project"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a project (organization owner or admin) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        name: string;
                        slug: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization’s limits with current usage (any member) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OrganizationSettings"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change limits (organization owner, console session only); never below current usage */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Hours between automatic re-checks. Default 6, at most 168. */
                        autoRetryIntervalHours?: number;
                        /** @description Automatic re-checks of a temporary failure before the domain stalls. Default 10, at most 1000. */
                        maxAutoRetries?: number;
                        /** @description Verifications running at once for the organization. Default 5, at most 100. */
                        maxConcurrentVerifications?: number;
                        /** @description Domains the organization may hold (archived ones do not count). Default 50, at most 100000. */
                        maxDomains?: number;
                        /** @description Service mappings per project. Default 100, at most 10000. */
                        maxMappingsPerProject?: number;
                        /** @description Manual “verify now” requests per minute per domain. Default 1, at most 60. */
                        verificationRateLimitPerMinute?: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OrganizationSettings"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/organizations/{organizationId}/settings/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit log of limit changes, newest first (owner or admin, console session only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["OrganizationSettingsChange"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook deliveries, newest first, filtered by endpoint, status, event type or event */
        get: {
            parameters: {
                query?: {
                    /** @description The `next` of the previous page. */
                    before?: string;
                    eventId?: string;
                    eventType?: string;
                    limit?: number;
                    status?: "pending" | "delivered" | "failed";
                    webhookId?: string;
                };
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["WebhookDelivery"][];
                            next: string | null;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhook-deliveries/{deliveryId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One delivery with its attempt log */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    deliveryId: string;
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            attemptLog: components["schemas"]["WebhookAttempt"][];
                            attempts: number;
                            createdAt: string;
                            deliveredAt: string | null;
                            /** @description Also the `webhook-id` header of every attempt. */
                            eventId: string;
                            eventType: string;
                            id: string;
                            lastAttemptAt: string | null;
                            lastError: string | null;
                            lastStatusCode: number | null;
                            nextAttemptAt: string | null;
                            occurredAt: string;
                            /** @enum {string} */
                            status: "pending" | "delivered" | "failed";
                            webhookId: string;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhook-deliveries/{deliveryId}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send one delivery again now, with the same webhook-id */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    deliveryId: string;
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookDelivery"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's webhook endpoints (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Webhook"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Add a webhook endpoint; the answer holds its signing secret, shown this once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        description?: string;
                        enabled?: boolean;
                        /**
                         * @description Event types of the catalogue (docs/reference/events.md), prefixes like `domain.*`, or `*` for every event.
                         * @default [
                         *       "*"
                         *     ]
                         * @example [
                         *       "domain.*",
                         *       "certificate.issued"
                         *     ]
                         */
                        eventTypes?: string[];
                        /** @description Send only events of this project. */
                        projectId?: string | null;
                        /**
                         * @description Where events are POSTed: https, at a public address.
                         * @example https://hooks.saas.example/portico
                         */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookWithSecret"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhooks/{webhookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    webhookId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a webhook endpoint and its delivery log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    webhookId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a webhook endpoint (URL, filter, project, description, enabled) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    webhookId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        description?: string;
                        /** @description Enabling an endpoint starts its failure streak afresh. */
                        enabled?: boolean;
                        /**
                         * @description Event types of the catalogue (docs/reference/events.md), prefixes like `domain.*`, or `*` for every event.
                         * @example [
                         *       "domain.*",
                         *       "certificate.issued"
                         *     ]
                         */
                        eventTypes?: string[];
                        projectId?: string | null;
                        url?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhooks/{webhookId}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send again the endpoint's deliveries of events that occurred in [since, until): the failed ones, or all */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    webhookId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description Events that occurred at or after this time (ISO 8601).
                         */
                        since: string;
                        /**
                         * @description `failed` (default): only deliveries that gave up; `all`: every finished delivery.
                         * @default failed
                         * @enum {string}
                         */
                        status?: "failed" | "all";
                        /**
                         * Format: date-time
                         * @description Events that occurred before this time; default now.
                         */
                        until?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            replayed: number;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhooks/{webhookId}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the signing secret; the old one keeps signing beside it for overlapHours (default 24) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    webhookId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * @description How long the old secret keeps signing beside the new one (0: stop at once).
                         * @default 24
                         */
                        overlapHours?: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookWithSecret"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organizationId}/webhooks/{webhookId}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a webhook.test ping to the endpoint (one attempt, no retries) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    organizationId: string;
                    webhookId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookDelivery"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The plans this installation offers, with their limits and features */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Plan"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One project */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a project (project admin and up, confirm=<slug>): unassigns its domains, removes its mappings, services, widget tokens, project API keys and memberships */
        delete: {
            parameters: {
                query?: {
                    confirm?: string;
                };
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a project or change its slug (project admin and up; a slug change reconciles the edges) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        name?: string;
                        slug?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/projects/{projectId}/dns-credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A project's stored provider credentials (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["DnsCredential"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Store a provider credential: verified with the provider first (422 DNS_CREDENTIAL_REJECTED if refused), then encrypted */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description The provider's credential fields (GET /v1/providers gives each provider's JSON Schema). Verified with the provider before it is stored; never returned. */
                        credentials: {
                            [key: string]: unknown;
                        };
                        /** @example Production PowerDNS */
                        label: string;
                        /** @example powerdns */
                        provider: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DnsCredential"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}/domains": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Domains assigned to a project */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Domain"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Assign domains to a project in one request: existing ones are assigned, new ones created pending */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        hostnames: string[];
                        method?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alreadyAssigned: components["schemas"]["Domain"][];
                            assigned: components["schemas"]["Domain"][];
                            created: components["schemas"]["Domain"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}/domains/{domainId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a domain from a project (the domain stays in the organization) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    domainId: string;
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}/mappings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A project's mappings, grouped by host (ordered by host, then base path) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["ServiceDomainMapping"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Map a (sub)domain and base path to a service; 409 MAPPING_CONFLICT with suggestions when taken */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * @description External base path; default "/".
                         * @example /v1
                         */
                        basePath?: string;
                        /**
                         * Format: uuid
                         * @description A domain assigned to the project (verified).
                         */
                        domainId: string;
                        /** @description Path the service listens on; default "/". */
                        internalPath?: string;
                        /** @description Default: the service's port. */
                        internalPort?: number;
                        primary?: boolean;
                        /** @enum {string} */
                        protocol?: "https" | "http" | "both" | "redirect-to-https";
                        redirectStatus?: 301 | 308;
                        /** Format: uuid */
                        serviceId: string;
                        /** @description Remove the base path before forwarding (default on; off without a base path). */
                        stripPath?: boolean;
                        /** @example api */
                        subdomain?: string | null;
                        /** @enum {string} */
                        tlsSource?: "acme" | "uploaded" | "none";
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ServiceDomainMapping"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}/mappings:check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Is this subdomain + base path free on the domain? If not: which mapping holds it, and free alternatives */
        get: {
            parameters: {
                query: {
                    basePath?: string;
                    domainId: string;
                    subdomain?: string;
                };
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MappingAvailability"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}/mappings:preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Preview a draft mapping: external URL, internal target, stripping, an example request, availability (nothing is saved) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * @description External base path; default "/".
                         * @example /v1
                         */
                        basePath?: string;
                        /**
                         * Format: uuid
                         * @description A domain assigned to the project (verified).
                         */
                        domainId: string;
                        /** @description Path (and query) after the base path to preview; default /example?q=1. */
                        examplePath?: string;
                        /** @description Path the service listens on; default "/". */
                        internalPath?: string;
                        /** @description Default: the service's port. */
                        internalPort?: number;
                        primary?: boolean;
                        /** @enum {string} */
                        protocol?: "https" | "http" | "both" | "redirect-to-https";
                        redirectStatus?: 301 | 308;
                        /** Format: uuid */
                        serviceId: string;
                        /** @description Remove the base path before forwarding (default on; off without a base path). */
                        stripPath?: boolean;
                        /** @example api */
                        subdomain?: string | null;
                        /** @enum {string} */
                        tlsSource?: "acme" | "uploaded" | "none";
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            availability: components["schemas"]["MappingAvailability"];
                            /** @description The kernel's previewRoute result for the example request. */
                            example?: {
                                [key: string]: unknown;
                            };
                            externalUrl?: string;
                            internalUrl?: string | null;
                            issues: {
                                field: string;
                                message: string;
                                reason: string;
                                suggestion?: string | number | boolean;
                            }[];
                            notice?: string | null;
                            stripping?: string;
                            valid: boolean;
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A project's services */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Service"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Add a service (name, upstream host and port) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @example web */
                        name: string;
                        /**
                         * @description A host name or an IP literal, without scheme, path or port (lower-cased; IPv6 stored without brackets). Never link-local or a cloud metadata service; the operator may narrow it further (`routing.upstreams`). A refusal is ROUTING_INVALID naming `upstreamHost`.
                         * @example web.internal
                         */
                        upstreamHost: string;
                        /**
                         * @description The service's primary port (1–65535); a mapping's internal port defaults to it.
                         * @example 3000
                         */
                        upstreamPort: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Service"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{projectId}/widget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The project’s widget settings: the page origins allowed to use its widget tokens */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WidgetSettings"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Set the page origins allowed to use the project’s widget tokens (exact origins, normalised) and its default service */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    projectId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Exact origins (`https://app.example.com`); https, or http on localhost only. Left out: unchanged. */
                        allowedOrigins?: string[];
                        /** @description A service of this project (404 otherwise), or null to unset. Left out: unchanged. */
                        defaultServiceId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WidgetSettings"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** DNS providers: enabled plugins (automatic setup) first, then well-known providers (manual setup) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["DnsProvider"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/services/{serviceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a service and, with it, every mapping to it */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    serviceId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a service's name, upstream host or port */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    serviceId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @example web */
                        name?: string;
                        /**
                         * @description A host name or an IP literal, without scheme, path or port (lower-cased; IPv6 stored without brackets). Never link-local or a cloud metadata service; the operator may narrow it further (`routing.upstreams`). A refusal is ROUTING_INVALID naming `upstreamHost`.
                         * @example web.internal
                         */
                        upstreamHost?: string;
                        /**
                         * @description The service's primary port (1–65535); a mapping's internal port defaults to it.
                         * @example 3000
                         */
                        upstreamPort?: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Service"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/subscription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization’s plan, a pending change and the limits usage is above (any member) */
        get: {
            parameters: {
                query: {
                    organizationId: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscription"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Change the organization’s plan (owner, console session only); the billing provider may make it pending */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        organizationId: string;
                        planId: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscription"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage of the organization (or one project) beside its limits, with the daily history */
        get: {
            parameters: {
                query: {
                    organizationId: string;
                    projectId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Usage"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification-methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The verification methods this installation offers (from its enabled plugins) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["VerificationMethod"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/widget-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue a short-lived widget token for one project (from your server; the token is in this answer only) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description Your reference for the customer (opaque, at most 200 characters): stored on the domains the widget adds, echoed in their events. */
                        customerRef?: string;
                        /** @default 600 */
                        expiresInSeconds?: number;
                        /**
                         * @description The only hostname the customer may connect.
                         * @example shop.customer.com
                         */
                        hostname?: string;
                        /**
                         * @description With `hostname`: also the names under it (`customer.com` then covers `shop.customer.com`).
                         * @default false
                         */
                        includeSubdomains?: boolean;
                        /** Format: uuid */
                        projectId: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WidgetToken"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/widget/dns-credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Store the customer’s DNS provider credential (verified with the provider first, then encrypted), for this customer’s domains only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description The provider's credential fields (GET /v1/providers gives each provider's JSON Schema). Verified with the provider before it is stored; never returned. */
                        credentials: {
                            [key: string]: unknown;
                        };
                        /** @example powerdns */
                        provider: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WidgetDnsCredential"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/widget/domains": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The domains this widget session may see (to resume): its project’s, within its hostname limit, no other customer’s; newest first, at most 20 */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Domain"][];
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/widget/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the widget’s token allows: its organization and project, hostname limit and expiry */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WidgetSession"];
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApiKey: {
            createdAt: string;
            id: string;
            lastUsedAt: string | null;
            name: string;
            /** @description The visible part of the key: pk_<prefix>_… */
            prefix: string;
            projectId: string | null;
            revokedAt: string | null;
            scopes: ("domains:read" | "domains:write" | "projects:read" | "projects:write" | "dns-credentials:read" | "dns-credentials:write" | "widget-tokens:write" | "audit:read" | "webhooks:read" | "webhooks:write" | "events:read")[];
        };
        AuditEntry: {
            /**
             * @description `<target kind>.<create|update|delete>`, or `auth.denied`.
             * @example service.update
             */
            action: string;
            actor: {
                id: string | null;
                /** @enum {string} */
                kind: "user" | "api_key" | "widget" | "operator" | "system" | "anonymous";
                /** @description The user's email, the API key's prefix (pk_…), the widget's page origin. */
                label: string | null;
            };
            /** @description The changed fields after (all fields for a create). */
            after: {
                [key: string]: unknown;
            } | null;
            /** @description The changed fields before (all fields for a delete); secrets read "[redacted]". */
            before: {
                [key: string]: unknown;
            } | null;
            id: string;
            ip: string | null;
            occurredAt: string;
            organizationId: string | null;
            /** @enum {string} */
            outcome: "success" | "denied";
            /** @description For a denied attempt: the error code answered. */
            reason: string | null;
            requestId: string | null;
            target: {
                id: string | null;
                kind: string;
            };
            userAgent: string | null;
        };
        /** @description A hostname’s TLS certificate. The private key is never returned. */
        Certificate: {
            /** @description Failed orders in a row since the last success. */
            attempts: number;
            hostname: string;
            id: string;
            issuer: string | null;
            lastCheckedAt: string | null;
            lastError: string | null;
            /** @description When the next order starts on its own (a retry, or the end of a rate-limit hold). */
            nextAttemptAt: string | null;
            notAfter: string | null;
            /** @description An order is queued or running now. */
            ordering: boolean;
            /** @description Why the last order failed or is held back, as a stable code: an ACME reason (`challenge_failed`, `rate_limited`, `caa`, …) or `registered_domain_limit`, `failed_validation_limit`, `dns01_conflict`, `dns01_timeout` (docs/reference/certificates.md). */
            reason: string | null;
            /** @description `edge:<id>` (obtained on demand by the edge) or `cert.acme` (issued by Portico). */
            source: string;
            /** @enum {string} */
            status: "pending" | "issuing" | "active" | "renewing" | "expiring" | "expired" | "failed" | "rate_limited";
        };
        CertificateOrder: {
            certificateId: string;
            hostname: string;
            retryAt?: string;
            /**
             * @description `queued`: an order is queued (now or before); `running`: one runs now (no second one is made); `held`: a rate limit holds it until `retryAt`.
             * @enum {string}
             */
            state: "queued" | "running" | "held";
        };
        /** @description A stored provider credential. Its secret fields are never returned. */
        DnsCredential: {
            createdAt: string;
            /** @description Set when your customer connected the credential in the widget: it serves only that customer’s domains. */
            customerRef: string | null;
            id: string;
            label: string;
            lastUsedAt: string | null;
            projectId: string;
            provider: string;
            verifiedAt: string;
            /** @description Zones the provider said the credential reaches, when it says. */
            zones: string[] | null;
        };
        DnsDiff: {
            inSync: boolean;
            records: {
                current: string[];
                desired: string[];
                error?: string;
                name: string;
                /**
                 * @description unknown: the DNS servers did not answer (never taken as missing).
                 * @enum {string}
                 */
                status: "ok" | "missing" | "different" | "unknown";
                ttl: number;
                /** @enum {string} */
                type: "A" | "AAAA" | "CNAME" | "TXT";
            }[];
            zone: string;
        };
        DnsPlan: {
            changes: {
                /** @enum {string} */
                action: "create" | "update" | "delete" | "noop" | "conflict";
                after: string[];
                before: string[];
                error?: {
                    kind: string;
                    message: string;
                };
                name: string;
                /** @enum {string} */
                reason?: "not_owned" | "owned_by_other" | "cname_exclusive";
                /** @enum {string} */
                type: "A" | "AAAA" | "CNAME" | "TXT";
            }[];
            provider: string;
            /** @description Consent-based providers: the page where the user agrees. */
            redirect: string | null;
            zone: string;
        };
        DnsProvider: {
            capabilities: {
                apexAlias: boolean;
                atomic: boolean;
                /** @enum {string} */
                ownership: "comment" | "txt";
                recordTypes: string[];
                /** @enum {string} */
                updateGranularity: "rrset" | "record" | "zone";
                wildcard: boolean;
            } | null;
            /** @description JSON Schema of the credential fields (for forms). */
            credentialSchema: {
                [key: string]: unknown;
            } | null;
            displayName: string;
            docsUrl: string | null;
            /** @description Nameserver patterns detection matches (`*` is one label). */
            nameservers: string[];
            /** @description Exactly what a credential must be allowed to do. */
            permissions: string[];
            /** @description The enabled plugin that drives it; null for well-known providers without one. */
            plugin: string | null;
            provider: string;
            /**
             * @description api: automatic with a stored credential; domain-connect: automatic after the user agrees at the provider; manual: records shown to add by hand.
             * @enum {string}
             */
            setup: "api" | "domain-connect" | "manual";
        };
        Domain: {
            autoRetryCount: number;
            createdAt: string;
            /** @description Your reference for the customer who connects the domain (from the widget token, or given when adding it); echoed in its events. */
            customerRef: string | null;
            hostname: string;
            id: string;
            instructions: components["schemas"]["ExpectedRecord"][];
            lastCheckedAt: string | null;
            method: string;
            /** @description False when no enabled plugin offers the domain’s verification method any more: `instructions` is empty and verifying answers 409 VERIFY_METHOD_UNAVAILABLE until an operator enables it again. */
            methodAvailable: boolean;
            /** @description When the next automatic check is due. */
            nextCheckAt: string | null;
            organizationId: string;
            /** @description Projects the domain is assigned to. */
            projectIds: string[];
            /** @description How the DNS records get written: by hand, or automatically (GET /v1/domains/{id}/dns-diff shows where they stand). */
            setup: {
                credentialId: string | null;
                /** @enum {string} */
                mode: "manual" | "api" | "domain-connect";
                provider: string | null;
                /** @description Domain Connect: open this page so the user agrees to the change. */
                redirectUrl: string | null;
                zone: string | null;
            };
            /** @enum {string} */
            status: "pending" | "verifying" | "verified" | "failed_temporary" | "failed_permanent" | "stalled" | "propagating" | "issuing" | "cert_failed" | "deploying" | "live" | "drifted" | "suspended" | "taken_over" | "disabled" | "archived";
            statusLabel: string;
            statusMessage: string | null;
            /** @enum {string} */
            statusTone: "neutral" | "progress" | "success" | "warning" | "danger";
            updatedAt: string;
            verifiedAt: string | null;
        };
        DomainBulkResult: {
            /** @description The stable error code when this item failed (NOT_FOUND for ids outside the caller’s reach). */
            code?: string;
            id: string;
            message?: string;
            ok: boolean;
            /** @description RATE_LIMITED: when this domain may be verified again. */
            retryAfterSeconds?: number;
            /**
             * @description The domain’s status after the action, when it succeeded.
             * @enum {string}
             */
            status?: "pending" | "verifying" | "verified" | "failed_temporary" | "failed_permanent" | "stalled" | "propagating" | "issuing" | "cert_failed" | "deploying" | "live" | "drifted" | "suspended" | "taken_over" | "disabled" | "archived";
        };
        DomainCheck: {
            automatic: {
                credentials: {
                    id: string;
                    label: string;
                    projectId: string;
                }[];
                possible: boolean;
                /** @enum {string} */
                reason: "ready" | "needs_credential" | "consent" | "no_plugin" | "unknown_provider" | "zone_not_found";
                route: ("api" | "domain-connect") | null;
            };
            available: boolean;
            candidates: components["schemas"]["ProviderDetection"][];
            error?: string;
            existing: {
                id: string;
                status: string;
            } | null;
            hostname: string;
            nameservers: string[];
            provider: components["schemas"]["ProviderDetection"];
            records: components["schemas"]["RecordSet"][];
            zone: string | null;
        };
        DomainEvent: {
            createdAt: string;
            details: {
                [key: string]: unknown;
            } | null;
            fromStatus: ("pending" | "verifying" | "verified" | "failed_temporary" | "failed_permanent" | "stalled" | "propagating" | "issuing" | "cert_failed" | "deploying" | "live" | "drifted" | "suspended" | "taken_over" | "disabled" | "archived") | null;
            id: string;
            message: string;
            reason: string;
            /** @enum {string} */
            toStatus: "pending" | "verifying" | "verified" | "failed_temporary" | "failed_permanent" | "stalled" | "propagating" | "issuing" | "cert_failed" | "deploying" | "live" | "drifted" | "suspended" | "taken_over" | "disabled" | "archived";
        };
        DomainListItem: {
            autoRetryCount: number;
            createdAt: string;
            /** @description Your reference for the customer who connects the domain (from the widget token, or given when adding it); echoed in its events. */
            customerRef: string | null;
            hostname: string;
            id: string;
            instructions: components["schemas"]["ExpectedRecord"][];
            lastCheckedAt: string | null;
            method: string;
            /** @description False when no enabled plugin offers the domain’s verification method any more: `instructions` is empty and verifying answers 409 VERIFY_METHOD_UNAVAILABLE until an operator enables it again. */
            methodAvailable: boolean;
            /** @description When the next automatic check is due. */
            nextCheckAt: string | null;
            organizationId: string;
            /** @description Projects the domain is assigned to. */
            projectIds: string[];
            /** @description How the DNS records get written: by hand, or automatically (GET /v1/domains/{id}/dns-diff shows where they stand). */
            setup: {
                credentialId: string | null;
                /** @enum {string} */
                mode: "manual" | "api" | "domain-connect";
                provider: string | null;
                /** @description Domain Connect: open this page so the user agrees to the change. */
                redirectUrl: string | null;
                zone: string | null;
            };
            /** @enum {string} */
            status: "pending" | "verifying" | "verified" | "failed_temporary" | "failed_permanent" | "stalled" | "propagating" | "issuing" | "cert_failed" | "deploying" | "live" | "drifted" | "suspended" | "taken_over" | "disabled" | "archived";
            statusLabel: string;
            statusMessage: string | null;
            /** @enum {string} */
            statusTone: "neutral" | "progress" | "success" | "warning" | "danger";
            updatedAt: string;
            usage: components["schemas"]["DomainUsageCounts"];
            verifiedAt: string | null;
        };
        DomainUsage: {
            count: number;
            projects: {
                id: string;
                name: string;
                slug: string;
            }[];
        };
        DomainUsageCounts: {
            /** @description Projects the domain is assigned to (that the caller can see). */
            projects: number;
            /** @description Distinct services with a mapping on the domain (that the caller can see). */
            services: number;
        };
        Edge: {
            consecutiveFailures: number;
            displayName: string;
            /** @description The edge plugin key (`caddy`, `traefik`, `istio`). */
            edge: string;
            /**
             * @description ok: the last reconcile delivered; failing: it did not (it is retried); pending: never reconciled yet.
             * @enum {string}
             */
            health: "ok" | "failing" | "pending";
            /** @description The edge as configured (`edges[].id`). */
            id: string;
            lastAttemptAt: string | null;
            /** @description When the route table last reached this edge. */
            lastSyncAt: string | null;
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "INTERNAL" | "ROUTE_NOT_FOUND" | "METHOD_NOT_ALLOWED" | "METHOD_NOT_IMPLEMENTED" | "VALIDATION_FAILED" | "BODY_INVALID" | "BODY_FORBIDDEN_KEY" | "BODY_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "LOGIN_RATE_LIMITED" | "TOTP_REQUIRED" | "PASSWORD_SIGNIN_DISABLED" | "TOTP_CODE_INVALID" | "TOTP_ALREADY_ENABLED" | "TOTP_NOT_ENROLLED" | "PASSWORD_INCORRECT" | "PASSWORD_RESET_INVALID" | "CSRF_TOKEN_INVALID" | "FORBIDDEN" | "API_KEY_SCOPE_MISSING" | "WIDGET_TOKEN_EXPIRED" | "WIDGET_ORIGIN_REFUSED" | "WIDGET_ROUTE_REFUSED" | "WIDGET_HOSTNAME_REFUSED" | "WIDGET_CUSTOMER_REQUIRED" | "WIDGET_NOT_BUILT" | "OIDC_STATE_INVALID" | "OIDC_REDIRECT_INVALID" | "OIDC_AUTHENTICATION_FAILED" | "OIDC_EMAIL_UNVERIFIED" | "OIDC_EMAIL_DOMAIN_REFUSED" | "OIDC_SIGNUP_DISABLED" | "OIDC_ACCOUNT_NOT_LINKABLE" | "OIDC_PROVIDER_UNAVAILABLE" | "EVENT_STREAM_LIMIT" | "NOT_FOUND" | "CONFLICT" | "HOSTNAME_INVALID" | "HOSTNAME_TAKEN" | "DOMAIN_NOT_VERIFIABLE" | "VERIFY_METHOD_UNAVAILABLE" | "VERIFICATION_RATE_LIMITED" | "DOMAIN_QUOTA_EXCEEDED" | "MAPPING_QUOTA_EXCEEDED" | "SETTINGS_BELOW_USAGE" | "PLAN_LIMIT_REACHED" | "SETTINGS_ABOVE_PLAN" | "BILLING_REFUSED" | "DOMAIN_IN_USE" | "DNS_CREDENTIAL_REJECTED" | "DNS_PROVIDER_FAILED" | "DNS_ZONE_NOT_FOUND" | "ROUTING_INVALID" | "MAPPING_CONFLICT" | "DOMAIN_NOT_ROUTABLE" | "DOMAIN_NOT_IN_PROJECT" | "WEBHOOK_URL_INVALID" | "WEBHOOK_TARGET_REFUSED" | "WEBHOOK_REPLAY_TOO_LARGE" | "SECRET_UNREADABLE" | "SECRET_KEYS_INVALID" | "CONFIG_INVALID" | "PORT_IN_USE" | "SIGNUP_CLOSED" | "SIGNUP_RATE_LIMITED" | "LAST_OWNER" | "CONFIRMATION_REQUIRED" | "INVITATION_INVALID" | "INVITATION_EMAIL_MISMATCH" | "OPERATOR_REQUIRED" | "EDGE_RECONCILE_FAILED" | "NOT_READY" | "PLUGIN_MALFORMED" | "PLUGIN_ID_INVALID" | "PLUGIN_DUPLICATE" | "PLUGIN_KERNEL_INCOMPATIBLE" | "PLUGIN_DEPENDENCY_MISSING" | "PLUGIN_OPTIONS_INVALID" | "PLUGIN_APPLY_TIMEOUT" | "PLUGIN_API_INCOMPATIBLE" | "PLUGIN_APPLY_FAILED" | "VERIFY_METHOD_UNKNOWN" | "DNS_PROVIDER_UNKNOWN" | "DNS_PROVIDER_NO_API" | "DNS_CREDENTIALS_INVALID" | "EDGE_UNKNOWN" | "EDGE_NOT_DELIVERED" | "EDGE_NOT_SERVED" | "EDGE_TARGET_INVALID" | "PROVIDER_NOT_DETECTED" | "NO_CERT_ISSUER" | "HOOK_NO_ANSWER";
                details?: unknown;
                message: string;
            };
        };
        /**
         * @description A type of the event catalogue (docs/reference/events.md).
         * @enum {string}
         */
        EventType: "domain.created" | "domain.verified" | "domain.verification_failed" | "domain.drifted" | "domain.restored" | "domain.suspended" | "domain.live" | "domain.deleted" | "domain.records_applied" | "certificate.issued" | "certificate.failed" | "certificate.expiring" | "mapping.created" | "mapping.updated" | "mapping.deleted" | "member.invited" | "member.joined" | "member.removed" | "webhook.endpoint_disabled" | "usage.near_limit" | "usage.limit_reached";
        /** @description A DNS record to publish. */
        ExpectedRecord: {
            name: string;
            /** @enum {string} */
            type: "A" | "AAAA" | "CNAME" | "TXT" | "HTTP";
            value: string;
        };
        Invitation: {
            acceptedAt: string | null;
            createdAt: string;
            email: string;
            expiresAt: string;
            id: string;
            organizationId: string;
            projectIds: string[];
            /** @enum {string} */
            role: "owner" | "admin" | "project_admin" | "project_member";
            /** @enum {string} */
            status: "pending" | "accepted" | "revoked" | "expired";
        };
        MappingAvailability: {
            available: boolean;
            basePath: string;
            /** @description What holds host + base path; the fields are null unless it is in a project you may see. */
            conflict: {
                mappingId: string | null;
                projectId: string | null;
                serviceName: string | null;
            } | null;
            host: string;
            issues: {
                field: string;
                message: string;
                reason: string;
                suggestion?: string | number | boolean;
            }[];
            suggestions: {
                basePaths: string[];
                subdomains: string[];
            };
        };
        Member: {
            email: string;
            joinedAt: string;
            name: string;
            projects: {
                projectId: string;
                /** @enum {string} */
                role: "owner" | "admin" | "project_admin" | "project_member";
            }[];
            /** @description owner or admin; null when the person holds project roles only. */
            role: ("owner" | "admin" | "project_admin" | "project_member") | null;
            userId: string;
        };
        Notification: {
            /** @description Plain text built from the event. */
            body: string;
            createdAt: string;
            eventId: string;
            id: string;
            /**
             * @description A console path, e.g. /domains/<id>.
             * @example /domains/0193e0c6-7f2a-7c4e-9a57-3c1f0b6f2d11
             */
            link: string | null;
            organizationId: string;
            readAt: string | null;
            /** @enum {string} */
            severity: "info" | "warning" | "danger";
            title: string;
            /** @example domain.verified */
            type: string;
        };
        NotificationPreference: {
            /** @enum {string} */
            channel: "in-app" | "email" | "digest";
            enabled: boolean;
            /**
             * @description A category (domains, certificates, webhooks, usage) or an event type with a rule; a type wins over its category.
             * @enum {string}
             */
            topic: "domains" | "certificates" | "webhooks" | "usage" | "domain.verified" | "domain.verification_failed" | "domain.drifted" | "domain.suspended" | "certificate.failed" | "certificate.expiring" | "webhook.endpoint_disabled" | "usage.near_limit" | "usage.limit_reached";
        };
        NotificationPreferenceOutput: {
            /** @enum {string} */
            channel: "in-app" | "email" | "digest";
            enabled: boolean;
            /**
             * @description A category (domains, certificates, webhooks, usage) or an event type with a rule; a type wins over its category.
             * @enum {string}
             */
            topic: "domains" | "certificates" | "webhooks" | "usage" | "domain.verified" | "domain.verification_failed" | "domain.drifted" | "domain.suspended" | "certificate.failed" | "certificate.expiring" | "webhook.endpoint_disabled" | "usage.near_limit" | "usage.limit_reached";
        };
        OidcProvider: {
            displayName: string;
            /** @description Use in /v1/auth/oidc/{provider}/start. */
            id: string;
            /** @enum {string} */
            kind: "instance" | "organization";
            organization: {
                name: string;
                slug: string;
            } | null;
        };
        OperatorEdge: {
            consecutiveFailures: number;
            detail: string | null;
            displayName: string;
            durationMs: number | null;
            edge: string;
            /** @enum {string} */
            health: "ok" | "failing" | "pending";
            id: string;
            lastAttemptAt: string | null;
            /** @description The last failed attempt’s error (operators only: it may name any tenant’s host). */
            lastError: string | null;
            lastSyncAt: string | null;
            /** @description Routes the last delivery carried (every tenant). */
            routes: number;
            skipped: {
                mappingId: string | null;
                message: string;
                reason: string;
            }[];
        };
        Organization: {
            createdAt: string;
            id: string;
            name: string;
            /** @enum {string} */
            role: "owner" | "admin" | "project_admin" | "project_member";
            slug: string;
        };
        OrganizationOidcProvider: {
            allowedEmailDomains: string[] | null;
            /** @description Register this redirect URI with the provider. */
            callbackUrl: string;
            clientId: string;
            displayName: string;
            enabled: boolean;
            enforce: boolean;
            /** @description The secret itself is never returned. */
            hasClientSecret: boolean;
            /** @description Use in /v1/auth/oidc/{provider}/start. */
            id: string;
            issuer: string;
            organizationId: string;
            scopes: string[];
            updatedAt: string;
        };
        OrganizationSettings: {
            defaults: {
                autoRetryIntervalHours: number;
                maxAutoRetries: number;
                maxConcurrentVerifications: number;
                maxDomains: number;
                maxMappingsPerProject: number;
                verificationRateLimitPerMinute: number;
            };
            limits: {
                autoRetryIntervalHours: number;
                maxAutoRetries: number;
                maxConcurrentVerifications: number;
                maxDomains: number;
                maxMappingsPerProject: number;
                verificationRateLimitPerMinute: number;
            };
            maxima: {
                autoRetryIntervalHours: number;
                maxAutoRetries: number;
                maxConcurrentVerifications: number;
                maxDomains: number;
                maxMappingsPerProject: number;
                verificationRateLimitPerMinute: number;
            };
            organizationId: string;
            updatedAt: string;
            usage: {
                domains: number;
            };
        };
        OrganizationSettingsChange: {
            changedBy: {
                email: string;
                id: string;
                name: string;
            } | null;
            createdAt: string;
            id: string;
            newValue: number;
            oldValue: number;
            setting: string;
        };
        Plan: {
            description: string | null;
            features: string[];
            id: string;
            limits: {
                apiKeys: number | null;
                certificatesPerMonth: number | null;
                checksPerDay: number | null;
                domains: number | null;
                mappingsPerProject: number | null;
                members: number | null;
                projects: number | null;
                webhookEndpoints: number | null;
            };
            name: string;
        };
        Project: {
            createdAt: string;
            id: string;
            name: string;
            organizationId: string;
            slug: string;
        };
        ProviderDetection: {
            /** @enum {string} */
            confidence: "high" | "medium" | "low";
            details?: {
                [key: string]: unknown;
            };
            displayName: string;
            evidence?: string[];
            provider: string;
            /** @enum {string} */
            setup: "api" | "domain-connect" | "manual";
        };
        /** @description Every value of one name and type. */
        RecordSet: {
            name: string;
            ttl: number;
            /** @enum {string} */
            type: "A" | "AAAA" | "CNAME" | "TXT";
            values: string[];
        };
        Service: {
            createdAt: string;
            id: string;
            name: string;
            projectId: string;
            updatedAt: string;
            upstreamHost: string;
            upstreamPort: number;
        };
        ServiceDomainMapping: {
            basePath: string;
            createdAt: string;
            /** @description skipped: every edge leaves this mapping out because it cannot be served (for example a service upstream host that is no host name), with the reason; other mappings are not affected. */
            deployment: {
                message?: string;
                /** @enum {string} */
                reason?: "invalid_hostname" | "invalid_base_path" | "invalid_internal_path" | "invalid_upstream_host" | "forbidden_upstream" | "invalid_upstream_port" | "invalid_protocol" | "invalid_redirect_status" | "invalid_tenant" | "invalid_ownership_challenge";
                skipped: boolean;
            };
            domainId: string;
            /** @description The public URL of the mapping (https unless HTTP only). */
            externalUrl: string;
            host: string;
            id: string;
            internalPath: string;
            internalPort: number;
            /** @description The warning the console shows for HTTP only or both. */
            notice: string | null;
            primary: boolean;
            projectId: string;
            /** @enum {string} */
            protocol: "https" | "http" | "both" | "redirect-to-https";
            redirectStatus: number;
            serviceId: string;
            serviceName: string;
            stripPath: boolean;
            subdomain: string | null;
            /** @enum {string} */
            tlsSource: "acme" | "uploaded" | "none";
        };
        Subscription: {
            organizationId: string;
            overLimit: {
                limit: number;
                /** @enum {string} */
                resource: "domains" | "projects" | "mappingsPerProject" | "apiKeys" | "members" | "webhookEndpoints" | "certificatesPerMonth" | "checksPerDay";
                usage: number;
            }[];
            pending: {
                plan: components["schemas"]["Plan"];
                redirectUrl: string;
            } | null;
            plan: components["schemas"]["Plan"];
            updatedAt: string | null;
        };
        Usage: {
            history: {
                checks: number;
                counts: {
                    apiKeys?: number;
                    certificatesThisMonth?: number;
                    domains?: number;
                    mappings?: number;
                    members?: number;
                    projects?: number;
                    verifiedDomains?: number;
                    webhookEndpoints?: number;
                } | null;
                day: string;
                webhooksDelivered: number;
            }[];
            organizationId: string;
            period: {
                certificatesIssued: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                checksThisMonth: number;
                checksToday: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                monthStart: string;
                webhooksDeliveredThisMonth: number;
                webhooksDeliveredToday: number;
            };
            planId: string;
            projectId: string | null;
            resources: {
                apiKeys: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                domains: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                mappings: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                members: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                projects: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                verifiedDomains: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
                webhookEndpoints: {
                    limit: number | null;
                    planLimit: number | null;
                    usage: number;
                };
            };
        };
        VerificationMethod: {
            default: boolean;
            method: string;
            plugin: string;
            title: string;
        };
        /** @description A webhook endpoint. Its signing secret is returned only when created or rotated. */
        Webhook: {
            consecutiveFailures: number;
            createdAt: string;
            description: string;
            disabledAt: string | null;
            /** @description `failures` when Portico disabled the endpoint after a long failure streak. */
            disabledReason: string | null;
            enabled: boolean;
            eventTypes: string[];
            failingSince: string | null;
            id: string;
            organizationId: string;
            /** @description Until then the secret before the last rotation signs too. */
            previousSecretExpiresAt: string | null;
            projectId: string | null;
            updatedAt: string;
            url: string;
        };
        WebhookAttempt: {
            attempt: number;
            createdAt: string;
            error: string | null;
            latencyMs: number;
            /** @description The first 4 KB of the answer. */
            responseBody: string | null;
            statusCode: number | null;
            succeeded: boolean;
        };
        WebhookDelivery: {
            attempts: number;
            createdAt: string;
            deliveredAt: string | null;
            /** @description Also the `webhook-id` header of every attempt. */
            eventId: string;
            eventType: string;
            id: string;
            lastAttemptAt: string | null;
            lastError: string | null;
            lastStatusCode: number | null;
            nextAttemptAt: string | null;
            occurredAt: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            webhookId: string;
        };
        WebhookWithSecret: {
            consecutiveFailures: number;
            createdAt: string;
            description: string;
            disabledAt: string | null;
            /** @description `failures` when Portico disabled the endpoint after a long failure streak. */
            disabledReason: string | null;
            enabled: boolean;
            eventTypes: string[];
            failingSince: string | null;
            id: string;
            organizationId: string;
            /** @description Until then the secret before the last rotation signs too. */
            previousSecretExpiresAt: string | null;
            projectId: string | null;
            /** @description The signing secret (`whsec_…`), shown this once. Verify deliveries with any Standard Webhooks library. */
            secret: string;
            updatedAt: string;
            url: string;
        };
        WidgetDnsCredential: {
            id: string;
            label: string;
            provider: string;
        };
        WidgetSession: {
            /** @description True: a verified domain is mapped and goes live on its own. False: it stops at verified until the SaaS maps it. */
            defaultServiceConfigured: boolean;
            expiresAt: string;
            hostname: string | null;
            includeSubdomains: boolean;
            organizationId: string;
            /** @description The project the token belongs to (the widget may name it). */
            project: {
                name: string;
            };
            projectId: string;
        };
        WidgetSettings: {
            /** @description Page origins allowed to run the widget with this project’s tokens. */
            allowedOrigins: string[];
            /** @description While set, every domain added through the widget is mapped to this service (the domain itself, path /) once verified, and goes live with no step by you. Null: such domains stop at verified. */
            defaultServiceId: string | null;
            projectId: string;
            updatedAt: string | null;
        };
        WidgetToken: {
            expiresAt: string;
            /** @description Bearer token for the widget: `wt_…`. */
            token: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
