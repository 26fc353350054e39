/**
 * The PostgreSQL channel on which the database's triggers (declared on the Domain, Service and
 * ServiceDomainMapping entities) announce route changes: `{"hosts":[…]}` or `{"domain":"<id>"}`. Every process's
 * route table LISTENs on it.
 */
export const ROUTES_CHANNEL = 'portico_routes';
