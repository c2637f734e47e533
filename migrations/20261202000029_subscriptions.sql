-- "Tell me when lots open near me" (issue 18): a neighbour gives a
-- property's PIN and an email; a first email confirms the address by its
-- link; when a round opens with lots that property would qualify for, one
-- email lists them. One link unsubscribes, and deletes the row with all
-- that hangs on it. As little as possible is kept: the address, the PIN,
-- the language, hashes of the links' tokens, and which rounds were told.

create table subscriptions (
    id             bigint generated always as identity primary key,
    email          text not null,
    pin            text not null constraint subscriptions_parcel_fk references parcels (pin),
    language       text not null default 'en' constraint subscriptions_language_known check (language in ('en', 'es')),
    created_at     timestamptz not null default now(),
    confirmed_at   timestamptz
);
create unique index subscriptions_one_per_address_idx on subscriptions (lower(email), pin);

-- The links' tokens (SHA-256), as `application_links` keeps them: a
-- confirmation link, and an unsubscribe link in every email.
create table subscription_links (
    token_hash       bytea primary key,
    subscription_id  bigint not null constraint subscription_links_subscription_fk
                     references subscriptions (id) on delete cascade,
    kind             text not null constraint subscription_links_kind_known check (kind in ('confirm', 'stop')),
    created_at       timestamptz not null default now()
);
create index subscription_links_subscription_idx on subscription_links (subscription_id);

-- Which open rounds a subscription was looked at for: told (an email went
-- out, once per round), or not yet (nothing it qualifies for among the
-- round's `lots_seen` lots: looked at again when the round offers more).
create table subscription_notices (
    subscription_id  bigint not null constraint subscription_notices_subscription_fk
                     references subscriptions (id) on delete cascade,
    round_id         bigint not null constraint subscription_notices_round_fk references rounds (id) on delete cascade,
    lots_seen        bigint not null,
    told             boolean not null,
    at               timestamptz not null default now(),
    constraint subscription_notices_pk primary key (subscription_id, round_id)
);

-- Requests to subscribe are throttled as "Find my application" is, in the
-- same table (by client per hour, by hashed address per day, kept a day),
-- each counted under its purpose.
alter table link_requests add column purpose text not null default 'links'
    constraint link_requests_purpose_known check (purpose in ('links', 'subscribe'));
