-- The staging table loses its generated `valid` column. Computing it made the
-- database copy every other value of each row as COPY streamed it in (a tenth
-- of the database's time in a million-parcel COPY), to judge the few
-- geometries the importer does not prove valid itself (`known_valid`, 99% of
-- the Austin parcels are proven). The import's checks now ask GEOS
-- (ST_IsValid) about those few, in the pass that repairs them.
alter table import_staging drop column valid;
