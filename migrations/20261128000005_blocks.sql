-- Geometric blocks, computed once per parcel import and gap width, so that
-- "same block" is a lookup instead of a walk. A set is used only while it
-- is fresh: computed after the latest successful parcel import.

create table block_sets (
    -- The widest gap (centimetres) that still joins two parcels in a block.
    gap_cm           integer primary key constraint block_sets_gap_positive check (gap_cm > 0),
    -- The parcel import the set was computed from.
    parcels_import   bigint,
    computed_at      timestamptz not null default now(),
    parcels          bigint not null,
    blocks           bigint not null
);

create table parcel_blocks (
    gap_cm  integer not null constraint parcel_blocks_set_fk references block_sets (gap_cm) on delete cascade,
    pin     text not null,
    block   bigint not null,
    constraint parcel_blocks_pk primary key (gap_cm, pin)
);
