-- The map's tiles are prepared in the background after a parcel import,
-- by whichever `sidelot serve` sees it first, no longer by the import's own
-- command before it ends (issue 17: an import is done once it commits).
-- Every tile served stays current without it (see 20261201000001_tiles.sql):
-- preparing only renders ahead what the first visitors would wait for.
--
-- An import that changed parcels counts one more `wanted`, in its own
-- transaction; a preparation that began when `wanted` was n sets `prepared`
-- to n when it ends. One preparation runs at a time over every server (an
-- advisory lock, held by the preparing transaction).

create table tile_preparation (
    one          boolean primary key default true
                 constraint tile_preparation_one_row check (one),
    wanted       bigint not null,
    prepared     bigint not null,
    -- The last preparation that ended: when, how long, how many tiles.
    prepared_at  timestamptz,
    took_ms      bigint,
    tiles        integer
);

-- A database that has parcels had its tiles prepared by its last import.
insert into tile_preparation (one, wanted, prepared) values (true, 0, 0);
