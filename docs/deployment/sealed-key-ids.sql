-- Which encryption keys the sealed values in this database need (docs/deployment.md, "Backups"): every id listed
-- must be in PORTICO_ENCRYPTION_KEYS (or the key file) of the processes that use this database. A sealed value is
-- `v1.<keyId>.<iv>.<ciphertext>.<tag>` (docs/reference/secrets.md).
--   psql "$DATABASE_URL" -f docs/deployment/sealed-key-ids.sql
select key_id, count(*) as sealed_values
from (
  select split_part(sealed, '.', 2) as key_id from dns_credentials
  union all select split_part(secret_sealed, '.', 2) from webhook_endpoints
  union all select split_part(previous_secret_sealed, '.', 2) from webhook_endpoints where previous_secret_sealed is not null
  union all select split_part(secret_sealed, '.', 2) from user_totp
  union all select split_part(sealed_client_secret, '.', 2) from organization_oidc_providers where sealed_client_secret is not null
  union all select split_part(private_key_sealed, '.', 2) from certificates where private_key_sealed is not null
) as sealed
group by key_id
order by key_id;
