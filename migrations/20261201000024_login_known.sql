-- Sign-in throttling that no stranger can turn into a lockout: failures are
-- slowed per client and account pair, with a delay that grows with each
-- failure; the account-wide limit (against guessing from many addresses)
-- spares the addresses the account signed in from before, recorded here.
create table login_known (
    user_id bigint not null constraint login_known_user_fk references staff_users (id) on delete cascade,
    address text not null,
    last_at timestamptz not null default now(),
    primary key (user_id, address)
);

create index login_failures_pair_idx on login_failures (lower(email), address, at);
