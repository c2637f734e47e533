-- "Find my application": a neighbour who lost their links gives their email
-- and gets new links by email. Only hashes are kept, so old links cannot be
-- sent again; new ones are added beside them, and the old keep working (a
-- stranger asking cannot break a neighbour's links).
create table application_links (
    token_hash     bytea primary key,
    application_id bigint not null constraint application_links_application_fk
                   references applications (id) on delete cascade,
    kind           text not null constraint application_links_kind_known check (kind in ('status', 'confirm')),
    created_at     timestamptz not null default now()
);
create index application_links_application_idx on application_links (application_id);

-- Requests for links, to throttle them: by the SHA-256 of the lower-cased
-- email (never the email itself) and by the client's address; kept a day.
create table link_requests (
    id         bigint generated always as identity primary key,
    email_hash bytea not null,
    client     text not null,
    at         timestamptz not null default now()
);
create index link_requests_email_idx on link_requests (email_hash, at);
create index link_requests_client_idx on link_requests (client, at);
