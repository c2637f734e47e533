-- Parcels and the record of every import that wrote them.
--
-- Geometry is stored in EPSG:4326 as MultiPolygon: real files declare Polygon
-- yet hold multi-part records, so one type fits all.

create extension if not exists postgis;

-- One row per import run, successful or not.
create table imports (
    id            bigint generated always as identity primary key,
    kind          text not null constraint imports_kind_known check (kind in ('parcels')),
    file_name     text not null,
    -- SHA-256 (hex) of the file given on the command line (the .shp, .zip or .geojson);
    -- null only for a failed import whose file could not be read.
    sha256        text constraint imports_sha256_hex check (sha256 ~ '^[0-9a-f]{64}$'),
    -- Every file read, with its size and SHA-256.
    files         jsonb not null default '[]',
    source_crs    text,
    options       jsonb not null default '{}',
    actor         text not null,
    started_at    timestamptz not null default now(),
    finished_at   timestamptz,
    status        text not null constraint imports_status_known check (status in ('succeeded', 'failed')),
    error         text,
    records_read  bigint not null default 0,
    inserted      bigint not null default 0,
    updated       bigint not null default 0,
    unchanged     bigint not null default 0,
    rejected      bigint not null default 0,
    repaired      bigint not null default 0
);

-- Records an import refused, one by one.
create table import_rejects (
    import_id  bigint not null constraint import_rejects_import_fk references imports (id) on delete cascade,
    record_no  bigint not null,
    pin        text,
    reason     text not null,
    constraint import_rejects_pk primary key (import_id, record_no)
);

create table parcels (
    -- Normalised identifier: 14 digits for Cook County PINs.
    pin           text primary key constraint parcels_pin_not_blank check (btrim(pin) <> ''),
    house_number  text,
    street_dir    text,
    street_name   text,
    street_type   text,
    -- The address as people write it, composed from the parts or taken whole.
    address       text,
    geom          geometry(MultiPolygon, 4326) not null
                  constraint parcels_geom_not_empty check (not ST_IsEmpty(geom)),
    -- Geodesic area in square metres.
    area_m2       double precision not null constraint parcels_area_positive check (area_m2 >= 0),
    -- The whole source record (attributes as read, numbers exact).
    source        jsonb not null default '{}',
    -- SHA-256 of what the import read for this parcel: an unchanged record is not rewritten.
    content_hash  bytea not null,
    import_id     bigint not null constraint parcels_import_fk references imports (id),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create index parcels_geom_idx on parcels using gist (geom);

-- What the API shows of a parcel. Its status follows from the lot inventory
-- once rounds exist; until then no parcel is offered.
create view parcel_view as
select p.pin,
       p.address,
       p.geom,
       round(p.area_m2 * 10.76391041671)::bigint as area_sqft,
       'not_for_sale'::text as status
from parcels p;

-- Template of the staging table every import loads through COPY. An import
-- creates a temporary table of the same name and shape
-- (`create temp table import_staging (like public.import_staging including defaults including generated)`),
-- which shadows this one for its session; this table only lends its shape to
-- the compile-time checked queries and, through `check (false)`, stays empty.
create table import_staging (
    record_no     bigint not null,
    pin           text,
    pin_raw       text,
    house_number  text,
    street_dir    text,
    street_name   text,
    street_type   text,
    address       text,
    geom          geometry(MultiPolygon, 4326),
    -- Geodesic area on the WGS 84 ellipsoid, computed while reading.
    area_m2       double precision,
    source        jsonb,
    content_hash  bytea,
    repaired      boolean not null default false,
    reject        text,
    -- Computed by the database backend while COPY streams rows in, when it
    -- would otherwise wait for the reader.
    valid         boolean generated always as (ST_IsValid(geom)) stored,
    constraint import_staging_is_a_template check (false) no inherit
);
