-- The importer proves the common parcel valid itself (one polygon, no
-- holes, a few dozen vertices, no two edges meeting but neighbours at
-- their shared corner, by exact predicates) and says so in `known_valid`;
-- the database asks GEOS (ST_IsValid) only about the rest, still while COPY
-- streams rows in. `import_staging` is the empty template of the importer's
-- temporary table.
alter table import_staging drop column valid;
alter table import_staging add column known_valid boolean;
alter table import_staging
    add column valid boolean generated always as (coalesce(known_valid, ST_IsValid(geom))) stored;
