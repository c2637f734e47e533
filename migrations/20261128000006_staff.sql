-- Staff accounts and sessions, the review workflow of each requested lot,
-- the append-only audit trail, and the denial reason catalogue.

create table staff_users (
    id             bigint generated always as identity primary key,
    email          text not null constraint staff_users_email_shape check (email ~ '^[^@\s]+@[^@\s]+$'),
    -- `domain::workflow::Role`: an admin may do everything.
    role           text not null constraint staff_users_role_known check (role in ('reviewer', 'admin', 'analyst')),
    -- Argon2id, PHC string format.
    password_hash  text not null constraint staff_users_password_argon2id check (password_hash like '$argon2id$%'),
    created_at     timestamptz not null default now(),
    disabled_at    timestamptz
);

create unique index staff_users_email_unique on staff_users (lower(email));

-- A signed-in browser. Only the SHA-256 of the cookie's token is stored.
create table staff_sessions (
    token_hash    bytea primary key,
    user_id       bigint not null constraint staff_sessions_user_fk references staff_users (id) on delete cascade,
    -- Sent back in the X-CSRF-Token header of every state-changing request.
    csrf_token    text not null,
    created_at    timestamptz not null default now(),
    last_seen_at  timestamptz not null default now(),
    -- Absolute expiry; idle expiry is counted from last_seen_at.
    expires_at    timestamptz not null
);

create index staff_sessions_user_idx on staff_sessions (user_id);

-- Failed sign-ins, counted per account and per address to slow guessing.
create table login_failures (
    id       bigint generated always as identity primary key,
    at       timestamptz not null default now(),
    email    text not null,
    address  text not null
);

create index login_failures_email_idx on login_failures (lower(email), at);
create index login_failures_address_idx on login_failures (address, at);

-- Why an application can be denied, in the words the applicant reads.
create table denial_reasons (
    code        text primary key constraint denial_reasons_code_shape check (code ~ '^[a-z][a-z0-9_]{1,40}$'),
    label       text not null constraint denial_reasons_label_not_blank check (btrim(label) <> ''),
    -- Shown on the status page and in the email.
    plain       text not null constraint denial_reasons_plain_not_blank check (btrim(plain) <> ''),
    active      boolean not null default true,
    created_at  timestamptz not null default now()
);

insert into denial_reasons (code, label, plain) values
    ('deed_mismatch', 'Deed does not match',
     'The proof of ownership you sent does not show you as the owner of the property you named.'),
    ('not_owner', 'Not the owner of record',
     'County records do not show you as the owner of the property you named.'),
    ('taxes_delinquent', 'Property taxes not current',
     'The property taxes on your property are not current.'),
    ('location_not_eligible', 'Location does not qualify',
     'Your property is not close enough to the lot under this round''s rules.'),
    ('incomplete', 'Application incomplete',
     'Your application was missing information we asked you for and did not receive in time.'),
    ('outranked', 'Higher-priority neighbour',
     'Another neighbour with a higher priority under this round''s rules applied for the lot.'),
    ('lottery', 'Not drawn in the lottery',
     'The lot went to another neighbour in the public lottery.');

-- Each requested lot moves through the workflow on its own.
alter table application_lots
    add column state text not null default 'submitted'
        constraint application_lots_state_known check (state in (
            'submitted', 'screening', 'ownership_review', 'location_review', 'lottery_pending',
            'disclosure_pending', 'council_approval', 'closing', 'sold', 'denied', 'withdrawn')),
    add column state_since timestamptz not null default now(),
    add column denial_reason text constraint application_lots_denial_reason_fk references denial_reasons (code);

-- A lot is awarded (set aside, approved, closing or sold) to at most one
-- application, whatever races. The list is `LotState::is_awarded`.
create unique index application_lots_one_award on application_lots (lot_pin)
    where state in ('disclosure_pending', 'council_approval', 'closing', 'sold');

create index application_lots_state_idx on application_lots (round_id, state);

-- The audit trail: application_events gains who did what, from which state
-- to which, and why. Rows are only ever added.
alter table application_events
    add column lot_pin     text,
    add column actor_kind  text not null default 'applicant'
        constraint application_events_actor_kind check (actor_kind in ('applicant', 'staff', 'system')),
    add column actor_id    bigint constraint application_events_actor_fk references staff_users (id),
    add column action      text,
    add column from_state  text,
    add column to_state    text,
    add column reason_code text constraint application_events_reason_fk references denial_reasons (code),
    add constraint application_events_staff_named check (actor_kind <> 'staff' or actor_id is not null);

create function application_events_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'the audit trail is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger application_events_no_update_or_delete
    before update or delete on application_events
    for each row execute function application_events_append_only();

create trigger application_events_no_truncate
    before truncate on application_events
    for each statement execute function application_events_append_only();

-- One row per requested lot, as the review queue lists it.
create view review_queue as
select a.id as application_id,
       a.tracking_code,
       r.slug as round,
       l.lot_pin,
       lp.address as lot_address,
       a.owned_pin,
       op.address as owned_address,
       a.applicant_name,
       l.state,
       l.relation,
       l.priority,
       l.state not in ('sold', 'denied', 'withdrawn')
       and exists (select 1 from application_lots o
                where o.lot_pin = l.lot_pin and o.round_id = l.round_id
                  and o.application_id <> l.application_id
                  and o.state not in ('denied', 'withdrawn')) as contested,
       a.email_confirmed_at is not null as email_confirmed,
       a.submitted_at
  from application_lots l
  join applications a on a.id = l.application_id
  join rounds r on r.id = l.round_id
  left join parcels lp on lp.pin = l.lot_pin
  left join parcels op on op.pin = a.owned_pin;
