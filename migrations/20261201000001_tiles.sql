-- Vector tiles of the parcels (`GET /tiles/parcels/{z}/{x}/{y}.pbf`).
--
-- What a tile shows changes with the parcels (an import), a round's lots,
-- the state of an application's lot (a status change, an award) and a
-- round's closing time. Every such change is written, in the transaction
-- that makes it, to `tile_changes` with the box it touches, under one
-- counter in `tile_state`: the counter's row lock orders the writers, so
-- the versions become visible in the order they count. Every `sidelot
-- serve` reads the counter before it serves a tile from its memory, and
-- drops what the changes since its last look touch. The status of the
-- lots of a round that closes by the clock changes with no write at all:
-- the servers look for rounds that closed since their last look, too.

create table tile_state (
    one      boolean primary key default true constraint tile_state_one_row check (one),
    version  bigint not null
);
insert into tile_state (one, version) values (true, 0);

create table tile_changes (
    version  bigint primary key,
    -- The box that changed (EPSG:4326); null: everything.
    bbox     geometry(Polygon, 4326),
    at       timestamptz not null default now()
);

-- Notes a change of what tiles show inside `box` (null: everywhere).
create function note_tile_change(box geometry) returns void
language plpgsql as $$
declare
    v bigint;
begin
    update tile_state set version = version + 1 returning version into v;
    insert into tile_changes (version, bbox)
    values (v, case when box is null then null else ST_Envelope(ST_Expand(ST_Force2D(box), 1e-7))::geometry(Polygon, 4326) end);
end
$$;

-- The box around a set of parcels, by PIN.
create function parcels_extent(pins text[]) returns geometry
language sql stable as $$
    select ST_SetSRID(ST_Extent(geom)::geometry, 4326) from parcels where pin = any (pins)
$$;

-- parcels: an import writes them in one statement or a few.
create function parcels_tile_change() returns trigger
language plpgsql as $$
declare
    box geometry;
begin
    if tg_op = 'INSERT' then
        select ST_SetSRID(ST_Extent(geom)::geometry, 4326) into box from new_rows;
    elsif tg_op = 'DELETE' then
        select ST_SetSRID(ST_Extent(geom)::geometry, 4326) into box from old_rows;
    else
        select ST_SetSRID(ST_Extent(g)::geometry, 4326) into box
          from (select geom as g from new_rows union all select geom from old_rows) b;
    end if;
    if box is not null then
        perform note_tile_change(box);
    end if;
    return null;
end
$$;

create trigger parcels_tile_insert after insert on parcels
    referencing new table as new_rows for each statement execute function parcels_tile_change();
create trigger parcels_tile_update after update on parcels
    referencing new table as new_rows old table as old_rows for each statement execute function parcels_tile_change();
create trigger parcels_tile_delete after delete on parcels
    referencing old table as old_rows for each statement execute function parcels_tile_change();

-- round_lots (pin) and application_lots (lot_pin): the lots whose status moved.
create function lots_tile_change() returns trigger
language plpgsql as $$
declare
    pins text[];
begin
    if tg_table_name = 'round_lots' then
        if tg_op = 'INSERT' then
            select array_agg(pin) into pins from new_rows;
        elsif tg_op = 'DELETE' then
            select array_agg(pin) into pins from old_rows;
        else
            select array_agg(pin) into pins from (select pin from new_rows union select pin from old_rows) p;
        end if;
    else
        if tg_op = 'INSERT' then
            select array_agg(lot_pin) into pins from new_rows;
        elsif tg_op = 'DELETE' then
            select array_agg(lot_pin) into pins from old_rows;
        else
            -- Only the rows whose state moved change a status.
            select array_agg(n.lot_pin) into pins
              from new_rows n
              join old_rows o on o.application_id = n.application_id and o.lot_pin = n.lot_pin
             where n.state is distinct from o.state;
        end if;
    end if;
    if pins is not null then
        perform note_tile_change(parcels_extent(pins));
    end if;
    return null;
end
$$;

create trigger round_lots_tile_insert after insert on round_lots
    referencing new table as new_rows for each statement execute function lots_tile_change();
create trigger round_lots_tile_update after update on round_lots
    referencing new table as new_rows old table as old_rows for each statement execute function lots_tile_change();
create trigger round_lots_tile_delete after delete on round_lots
    referencing old table as old_rows for each statement execute function lots_tile_change();
create trigger application_lots_tile_insert after insert on application_lots
    referencing new table as new_rows for each statement execute function lots_tile_change();
create trigger application_lots_tile_update after update on application_lots
    referencing new table as new_rows old table as old_rows for each statement execute function lots_tile_change();
create trigger application_lots_tile_delete after delete on application_lots
    referencing old table as old_rows for each statement execute function lots_tile_change();

-- rounds: a closing time moved (a round's lots are deleted with it, above).
create function rounds_tile_change() returns trigger
language plpgsql as $$
declare
    pins text[];
begin
    select array_agg(l.pin) into pins
      from new_rows n
      join old_rows o on o.id = n.id
      join round_lots l on l.round_id = n.id
     where n.closes_at is distinct from o.closes_at;
    if pins is not null then
        perform note_tile_change(parcels_extent(pins));
    end if;
    return null;
end
$$;

create trigger rounds_tile_update after update on rounds
    referencing new table as new_rows old table as old_rows for each statement execute function rounds_tile_change();

-- The status of the parcels that have one (the few in a round or an
-- application); every other parcel is `none`. Same rules as `parcel_view`.
create view lot_status as
with pins as (
    select pin from round_lots
    union
    select lot_pin from application_lots
)
select s.pin,
       case when exists (select 1 from application_lots a
                          where a.lot_pin = s.pin and a.state = 'sold')
            then 'sold'
            when exists (select 1 from application_lots a
                          where a.lot_pin = s.pin
                            and a.state not in ('sold', 'denied', 'withdrawn'))
            then 'pending'
            when exists (select 1
                           from round_lots l
                           join rounds r on r.id = l.round_id
                          where l.pin = s.pin and r.closes_at > now())
            then 'available'
            else 'none' end as status
from pins s;

-- What low zooms show of the ordinary parcels: how many there are in each
-- cell of a grid of 64 x 64 cells per tile, for zooms 10 to 14, in Web
-- Mercator; stored in the order of its key, so that a tile's cells are
-- read together. Computed after every parcel import (`refresh_parcel_density`).
create table parcel_density (
    z        smallint not null,
    cx       integer not null,
    cy       integer not null,
    parcels  integer not null,
    geom     geometry(Polygon, 3857) not null,
    -- A tile's cells are a range of this key: (z, 64x .. 64x + 63, 64y .. 64y + 63).
    constraint parcel_density_pk primary key (z, cx, cy)
);

-- Street names for the map, derived from the parcels' own addresses: one
-- line per street and grid cell of about 300 m, through the parcels that
-- face it, for a label along the street.
create table street_labels (
    id    bigint generated always as identity primary key,
    name  text not null,
    geom  geometry(LineString, 3857) not null
);
create index street_labels_geom_idx on street_labels using gist (geom);

-- Rendered tiles kept for every server (zooms up to 16): all of the city's
-- tiles of zooms 10 to 16 are rendered into it after each parcel import,
-- and a tile rendered on request is kept too. A stored tile is served only
-- when no change noted since `version` (and no round closed since
-- `rendered_at`) touches it.
create table tile_store (
    z            smallint not null,
    x            integer not null,
    y            integer not null,
    version      bigint not null,
    rendered_at  timestamptz not null,
    etag         text not null,
    -- The tile gzipped; empty for a tile with nothing in it.
    gzip         bytea not null,
    constraint tile_store_pk primary key (z, x, y)
);

create function refresh_tile_layers() returns void
language plpgsql as $$
declare
    -- The width of the Web Mercator world, in metres.
    world constant double precision := 40075016.685578488;
begin
    create temp table tile_points on commit drop as
    select ST_Transform(ST_PointOnSurface(geom), 3857) as p,
           nullif(btrim(coalesce(
               nullif(concat_ws(' ', nullif(street_dir, ''), nullif(street_name, ''), nullif(street_type, '')), ''),
               regexp_replace(address, '^\s*[0-9]+[A-Za-z]?(-[0-9]+)?\s+', ''))), '') as street
      from parcels;

    delete from parcel_density;
    insert into parcel_density (z, cx, cy, parcels, geom)
    select z, cx, cy, count(*),
           ST_MakeEnvelope(cx * cell - world / 2, world / 2 - (cy + 1) * cell,
                           (cx + 1) * cell - world / 2, world / 2 - cy * cell, 3857)
      from (select z, cell,
                   floor((ST_X(p) + world / 2) / cell)::integer as cx,
                   floor((world / 2 - ST_Y(p)) / cell)::integer as cy
              from tile_points,
                   lateral (select zz as z, world / (2 ^ zz * 64) as cell
                              from generate_series(10, 14) zz) c) k
     group by z, cell, cx, cy
     order by z, cx, cy;

    delete from street_labels;
    insert into street_labels (name, geom)
    select street, ST_LongestLine(pts, pts)
      from (select street, ST_Collect(p) as pts, count(*) as n
              from tile_points
             where street is not null and street !~ '^[0-9 ]*$'
             group by street, floor(ST_X(p) / 300), floor(ST_Y(p) / 300)) g
     where n >= 2 and ST_Length(ST_LongestLine(pts, pts)) > 20;

    drop table tile_points;
    perform note_tile_change(null);
end
$$;

select refresh_tile_layers();
