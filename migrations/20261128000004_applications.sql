-- Applications for lots, the documents that prove ownership, and the outbox
-- of messages to applicants.

-- Proofs of ownership, stored as files outside anything served, addressed
-- by the SHA-256 of their content.
create table documents (
    sha256        text primary key constraint documents_sha256_hex check (sha256 ~ '^[0-9a-f]{64}$'),
    content_type  text not null
                  constraint documents_type_known check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes    bigint not null constraint documents_size check (size_bytes > 0 and size_bytes <= 10485760),
    created_at    timestamptz not null default now()
);

create table applications (
    id                  bigint generated always as identity primary key,
    -- What the applicant quotes: SL-XXXX-XXXX (Crockford base 32).
    tracking_code       text not null constraint applications_tracking_code_unique unique
                        constraint applications_tracking_code_shape check (tracking_code ~ '^SL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
    round_id            bigint not null constraint applications_round_fk references rounds (id),
    owned_pin           text not null constraint applications_owned_fk references parcels (pin),
    applicant_name      text not null constraint applications_name_not_blank check (btrim(applicant_name) <> ''),
    email               text not null constraint applications_email_shape check (email ~ '^[^@\s]+@[^@\s]+$'),
    phone               text,
    mailing_address     text not null constraint applications_mailing_not_blank check (btrim(mailing_address) <> ''),
    planned_use         text not null
                        constraint applications_planned_use_known check (planned_use in ('garden', 'side_yard', 'parking', 'play_area', 'other')),
    planned_use_details text,
    attests_ownership   boolean not null constraint applications_attests_ownership check (attests_ownership),
    attests_taxes       boolean not null constraint applications_attests_taxes check (attests_taxes),
    deed_sha256         text not null constraint applications_deed_fk references documents (sha256),
    -- SHA-256 of the private status link's token; the token itself is never stored.
    status_token_hash   bytea not null constraint applications_status_token_unique unique,
    -- A repeated submission with the same key returns the first application.
    idempotency_key     text constraint applications_idempotency_key_unique unique,
    state               text not null default 'submitted',
    email_confirmed_at  timestamptz,
    submitted_at        timestamptz not null default now(),
    -- One application per owned parcel per round, whatever races.
    constraint applications_one_per_owned_parcel unique (round_id, owned_pin)
);

-- The lots an application asks for, each with the evidence that qualified it.
create table application_lots (
    application_id     bigint not null constraint application_lots_application_fk references applications (id) on delete cascade,
    round_id           bigint not null,
    lot_pin            text not null,
    relation           text not null,
    priority           integer not null constraint application_lots_priority check (priority >= 1),
    shared_boundary_m  double precision not null,
    distance_m         double precision not null,
    same_block         boolean not null,
    explanation        text not null,
    constraint application_lots_pk primary key (application_id, lot_pin),
    constraint application_lots_offered_fk foreign key (round_id, lot_pin) references round_lots (round_id, pin)
);

create index application_lots_lot_idx on application_lots (round_id, lot_pin);

-- What happened to an application, in order, for its status page.
create table application_events (
    id              bigint generated always as identity primary key,
    application_id  bigint not null constraint application_events_application_fk references applications (id) on delete cascade,
    at              timestamptz not null default now(),
    kind            text not null,
    note            text
);

-- Messages to applicants, sent by a worker; a failed send is retried with
-- backoff and never blocks or loses the application.
create table outbox (
    id              bigint generated always as identity primary key,
    application_id  bigint constraint outbox_application_fk references applications (id) on delete cascade,
    to_address      text not null,
    subject         text not null,
    body            text not null,
    created_at      timestamptz not null default now(),
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    sent_at         timestamptz,
    last_error      text
);

create index outbox_due_idx on outbox (next_attempt_at) where sent_at is null;

-- A lot someone has applied for shows as pending while its round is open.
create or replace view parcel_view as
select p.pin,
       p.address,
       p.geom,
       round(p.area_m2 * 10.76391041671)::bigint as area_sqft,
       case when not exists (select 1
                               from round_lots l
                               join rounds r on r.id = l.round_id
                              where l.pin = p.pin and r.closes_at > now())
            then 'not_for_sale'
            when exists (select 1
                           from application_lots a
                           join rounds r on r.id = a.round_id
                          where a.lot_pin = p.pin and r.closes_at > now())
            then 'pending'
            else 'available' end as status
from parcels p;
