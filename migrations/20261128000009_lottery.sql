-- Lotteries: the commitment (statement, entrants), then the draw
-- (randomness, seed, ranks). See docs/lottery.md.

create table lotteries (
    id                 bigint generated always as identity primary key,
    round_id           bigint not null constraint lotteries_round_fk references rounds (id),
    draw_number        integer not null default 1 constraint lotteries_draw_number_positive check (draw_number >= 1),
    redraw_reason      text,
    algorithm          text not null,
    -- The statement exactly as hashed into the seed.
    statement          text not null,
    entrants_sha256    text not null constraint lotteries_entrants_sha256_hex check (entrants_sha256 ~ '^[0-9a-f]{64}$'),
    randomness_source  text not null constraint lotteries_source_not_blank check (btrim(randomness_source) <> ''),
    randomness         text,
    seed               text constraint lotteries_seed_hex check (seed ~ '^[0-9a-f]{64}$'),
    committed_by       bigint not null constraint lotteries_committed_by_fk references staff_users (id),
    committed_at       timestamptz not null default now(),
    drawn_by           bigint constraint lotteries_drawn_by_fk references staff_users (id),
    drawn_at           timestamptz,
    superseded_at      timestamptz,
    -- Drawn means randomness, seed, who and when, all at once.
    constraint lotteries_drawn_whole check (
        (drawn_at is null) = (randomness is null) and (drawn_at is null) = (seed is null)
        and (drawn_at is null) = (drawn_by is null)),
    constraint lotteries_redraw_has_reason check (draw_number = 1 or btrim(coalesce(redraw_reason, '')) <> ''),
    constraint lotteries_draw_number_unique unique (round_id, draw_number)
);

-- One live lottery per round.
create unique index lotteries_one_live_per_round on lotteries (round_id) where superseded_at is null;

create table lottery_entrants (
    lottery_id      bigint not null constraint lottery_entrants_lottery_fk references lotteries (id),
    lot_pin         text not null,
    -- Public and pseudonymous: random, derived from nothing personal.
    public_id       text not null constraint lottery_entrants_public_id_shape
                    check (public_id ~ '^E-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
    application_id  bigint not null constraint lottery_entrants_application_fk references applications (id),
    -- 1 is the winner; set by the draw.
    rank            integer constraint lottery_entrants_rank_positive check (rank >= 1),
    constraint lottery_entrants_pk primary key (lottery_id, lot_pin, public_id),
    constraint lottery_entrants_public_id_unique unique (lottery_id, public_id),
    constraint lottery_entrants_once_per_lot unique (lottery_id, application_id, lot_pin),
    constraint lottery_entrants_rank_unique unique (lottery_id, lot_pin, rank)
);

create index lottery_entrants_application_idx on lottery_entrants (application_id);

-- Every transition locks the applications for one lot, by its PIN alone.
create index application_lots_lot_pin_idx on application_lots (lot_pin);
create index lottery_entrants_lot_idx on lottery_entrants (lot_pin);
