-- Application rounds and the lots each offers.
--
-- A round's rules (which relations make a neighbour eligible, in what
-- priority, the distances, the lots per application, the block rule) are
-- stored with it, shown to the public, and frozen once the round opens: the
-- database refuses the change, whoever asks.

create table rounds (
    id          bigint generated always as identity primary key,
    -- Short name used in URLs and on the command line.
    slug        text not null
                constraint rounds_slug_unique unique
                constraint rounds_slug_shape check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text not null constraint rounds_name_not_blank check (btrim(name) <> ''),
    opens_at    timestamptz not null,
    closes_at   timestamptz not null,
    -- IANA time zone the round's times are announced in.
    time_zone   text not null,
    -- `domain::eligibility::Rules` as JSON, checked by the application.
    rules       jsonb not null constraint rounds_rules_object check (jsonb_typeof(rules) = 'object'),
    created_by  text not null,
    created_at  timestamptz not null default now(),
    constraint rounds_closes_after_opens check (closes_at > opens_at)
);

create function rounds_freeze_once_open() returns trigger
language plpgsql as $$
begin
    if old.opens_at <= now()
       and (new.rules is distinct from old.rules or new.opens_at is distinct from old.opens_at) then
        raise exception 'round % opened at %: its rules and opening time can no longer change',
            old.slug, old.opens_at
            using errcode = 'check_violation', constraint = 'rounds_frozen_once_open';
    end if;
    return new;
end
$$;

create trigger rounds_freeze_once_open
    before update on rounds
    for each row execute function rounds_freeze_once_open();

-- The lots a round offers.
create table round_lots (
    round_id    bigint not null constraint round_lots_round_fk references rounds (id) on delete cascade,
    pin         text not null constraint round_lots_parcel_fk references parcels (pin),
    price_cents bigint constraint round_lots_price_not_negative check (price_cents >= 0),
    notes       text,
    import_id   bigint not null constraint round_lots_import_fk references imports (id),
    constraint round_lots_pk primary key (round_id, pin)
);

create index round_lots_pin_idx on round_lots (pin);

-- Lot inventories are imports too.
alter table imports drop constraint imports_kind_known;
alter table imports add constraint imports_kind_known check (kind in ('parcels', 'lots'));

-- A parcel is available while a round that offers it has not closed.
create or replace view parcel_view as
select p.pin,
       p.address,
       p.geom,
       round(p.area_m2 * 10.76391041671)::bigint as area_sqft,
       case when exists (select 1
                           from round_lots l
                           join rounds r on r.id = l.round_id
                          where l.pin = p.pin and r.closes_at > now())
            then 'available' else 'not_for_sale' end as status
from parcels p;
