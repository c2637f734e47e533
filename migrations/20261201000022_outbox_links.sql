-- The private links of a message are kept only until it is sent: the body
-- holds placeholders ({status_link}, {confirm_link}) that the sender fills
-- from `links`, which is emptied once the message is out. A status link is
-- otherwise kept only as its hash.
alter table outbox add column links jsonb;

-- A copy sent again by an admin names the message it copies, so that the
-- copies can be counted (at most three a day).
alter table outbox add column resent_from bigint
    constraint outbox_resent_from_fk references outbox (id) on delete set null;
create index outbox_resent_from_idx on outbox (resent_from, created_at) where resent_from is not null;

-- Links kept in plain text before this: gone from messages already sent
-- (those not sent yet lose theirs when they are).
update outbox
   set body = regexp_replace(body, '/(status|confirm)/[0-9a-fA-F]{64}', '/\1/(link removed once sent)', 'g')
 where sent_at is not null;
