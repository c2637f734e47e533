-- The assessor's roll (issue 18): who owns, or pays the taxes of, each
-- parcel, by PIN, and where their mail goes. Every import of the roll is
-- kept whole, so the history says which import said what; the roll in force
-- is the latest one that succeeded (`owners_of_record`).

alter table imports drop constraint imports_kind_known;
alter table imports add constraint imports_kind_known check (kind in ('parcels', 'lots', 'owners'));
alter table import_jobs drop constraint import_jobs_kind_known;
alter table import_jobs add constraint import_jobs_kind_known check (kind in ('parcels', 'lots', 'owners'));

create table owner_records (
    import_id        bigint not null constraint owner_records_import_fk references imports (id),
    pin              text not null,
    -- The owner's and the taxpayer's names, as the roll spells them.
    names            text[] not null constraint owner_records_named check (cardinality(names) > 0),
    -- Where the owner's mail goes, on one line; null when the roll has none.
    mailing_address  text,
    constraint owner_records_pk primary key (pin, import_id)
);
create index owner_records_import_idx on owner_records (import_id);

create view owners_of_record as
select o.pin, o.names, o.mailing_address, o.import_id
  from owner_records o
 where o.import_id = (select max(i.id) from imports i where i.kind = 'owners' and i.status = 'succeeded');

-- Each application's name beside the roll in force for its owned parcel
-- (`sidelot_domain::owners::compare`): computed when it is submitted and
-- again by every import of the roll. Evidence for staff; it decides nothing.
create table owner_matches (
    application_id  bigint primary key constraint owner_matches_application_fk references applications (id),
    -- The roll compared with; null when there was none.
    import_id       bigint constraint owner_matches_import_fk references imports (id),
    verdict         text not null
                    constraint owner_matches_verdict_known check (verdict in ('match', 'partial', 'no_match', 'no_record')),
    -- The roll's name the verdict rests on.
    closest         text,
    notes           text[] not null default '{}',
    compared_at     timestamptz not null default now()
);
create index owner_matches_verdict_idx on owner_matches (verdict);

-- The review queue shows each application's verdict, and filters by it (so
-- that staff clear the clear cases of ownership review in bulk).
create or replace view review_queue as
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
       a.submitted_at,
       parcel_ward(lp.source) as ward,
       om.verdict as owner_match
  from application_lots l
  join applications a on a.id = l.application_id
  join rounds r on r.id = l.round_id
  left join parcels lp on lp.pin = l.lot_pin
  left join parcels op on op.pin = a.owned_pin
  left join owner_matches om on om.application_id = a.id;

-- The shape of an owners import's staging rows: each import fills a
-- temporary table made like it (this one is never written), so that the
-- queries on it are checked when sidelot is compiled.
create table roll_staging (
    line     bigint not null,
    pin      text,
    -- The names, joined by U+001F.
    names    text not null,
    mailing  text,
    -- Why the row is refused; null for a row that loads.
    reason   text
);
