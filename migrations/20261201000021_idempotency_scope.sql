-- An Idempotency-Key belongs to the applicant who sent it (by email), and to
-- the request it came with: the same key from another applicant is another
-- application, and the same key from the same applicant with a different
-- form is refused (422) instead of answered with the first receipt.

alter table applications drop constraint applications_idempotency_key_unique;
create unique index applications_idempotency_key_unique
    on applications (lower(email), idempotency_key) where idempotency_key is not null;

-- SHA-256 of the form as sent and of the deed; null on older rows.
alter table applications add column idempotency_fingerprint bytea;
