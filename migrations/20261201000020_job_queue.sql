-- Import jobs become a queue in PostgreSQL, so that several servers can run
-- on one database: a worker claims a job (one import at a time across all
-- servers), holds it by a lease it renews while it works, and writes its
-- progress to the row. A job whose worker died (its lease ran out) is taken
-- again by another, up to three attempts; nothing of a dead attempt landed,
-- since an import is one transaction.

alter table import_jobs
    add column worker      text,
    add column lease_until timestamptz,
    add column attempts    integer not null default 0
               constraint import_jobs_attempts_counted check (attempts >= 0),
    -- How far the running attempt is: {"done": n, "total": n|null, "phase": "..."}.
    add column progress    jsonb;

create index import_jobs_waiting_idx on import_jobs (id) where status in ('queued', 'running');
