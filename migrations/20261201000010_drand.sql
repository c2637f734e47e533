-- A lottery drawn with a drand beacon keeps the beacon's signature, so
-- that the published file lets anyone verify it again (docs/lottery.md).
-- The beacon's round is the one the randomness source names, and its
-- randomness is the `randomness` column (SHA-256 of the signature).

alter table lotteries
    add column beacon_signature text
        constraint lotteries_beacon_signature_hex check (beacon_signature ~ '^[0-9a-f]+$'),
    add constraint lotteries_beacon_drawn check (beacon_signature is null or drawn_at is not null);
