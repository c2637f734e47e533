-- Imports started from the staff console: they run in the background, one
-- at a time, and their report stays viewable.

create table import_jobs (
    id           bigint generated always as identity primary key,
    kind         text not null constraint import_jobs_kind_known check (kind in ('parcels', 'lots')),
    file_name    text not null,
    -- Where the upload was kept (under the data directory).
    stored_path  text not null,
    size_bytes   bigint not null,
    -- For lot inventories: the round offering them.
    round        text,
    -- Column and coordinate-system choices, as given.
    options      jsonb not null default '{}',
    actor_id     bigint not null constraint import_jobs_actor_fk references staff_users (id),
    status       text not null default 'queued'
                 constraint import_jobs_status_known check (status in ('queued', 'running', 'succeeded', 'failed', 'interrupted')),
    created_at   timestamptz not null default now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    -- The `imports` row the import recorded, once it ran.
    import_id    bigint constraint import_jobs_import_fk references imports (id),
    -- The import's report (counts and every rejected record it lists).
    report       jsonb,
    error        text
);

create index import_jobs_recent_idx on import_jobs (id desc);
