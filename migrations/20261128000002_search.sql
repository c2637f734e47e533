-- Search by address or PIN (GET /api/search).
--
-- Addresses are compared through keys that the importer computes with
-- sidelot_domain::search (one definition, also used for queries), so that
-- "5321 w. Van Buren" finds "5321 W VAN BUREN ST": upper case, punctuation
-- read as blanks, blanks collapsed. The street key drops the house number and
-- the direction, so that "van buren" finds every parcel on Van Buren.

alter table parcels
    add column address_key text,
    add column street_key text;

alter table import_staging
    add column address_key text,
    add column street_key text;

-- Prefix searches (like 'ABC%') need pattern operators whatever the collation.
create index parcels_address_key_idx on parcels (address_key text_pattern_ops);
create index parcels_street_key_idx on parcels (street_key text_pattern_ops);
