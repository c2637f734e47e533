-- The email address is confirmed by a link that only the email carries: a
-- one-time token, distinct from the status link (whose page anyone who
-- applied with someone else's address would open at once). Only its hash
-- is kept. Applications from before have none: their confirmation stands as
-- it was.
alter table applications add column confirm_token_hash bytea;
create unique index applications_confirm_token_unique on applications (confirm_token_hash)
    where confirm_token_hash is not null;
