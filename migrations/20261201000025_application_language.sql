-- The language an application was made in: every email about it is written
-- in it (issue 14). English for the applications made before.
alter table applications
    add column language text not null default 'en'
        constraint applications_language_known check (language in ('en', 'es'));
