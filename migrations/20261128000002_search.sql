-- Search by address or PIN (GET /api/search).
--
-- Addresses are compared through one key, so that "5321 w. Van Buren St"
-- finds "5321 W VAN BUREN ST": upper case, punctuation read as blanks, blanks
-- collapsed. The same function normalises the query, so the two always agree.

create function sidelot_address_key(address text) returns text
    language sql immutable strict parallel safe
    return nullif(btrim(regexp_replace(
               regexp_replace(upper(address), '[^A-Z0-9]', ' ', 'g'),
               '\s+', ' ', 'g')), '');

-- The street alone: the key without its house number and direction, so that
-- "van buren" finds every parcel on Van Buren.
create function sidelot_street_key(address text) returns text
    language sql immutable strict parallel safe
    return nullif(regexp_replace(sidelot_address_key(address),
                                 '^[0-9]+[A-Z]? ((N|S|E|W) )?', ''), '');

alter table parcels
    add column address_key text generated always as (sidelot_address_key(address)) stored,
    add column street_key text generated always as (sidelot_street_key(address)) stored;

-- Prefix searches (like 'ABC%') need pattern operators whatever the collation.
create index parcels_address_key_idx on parcels (address_key text_pattern_ops);
create index parcels_street_key_idx on parcels (street_key text_pattern_ops);
create index parcels_pin_prefix_idx on parcels (pin text_pattern_ops);
