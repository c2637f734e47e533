//! What staff record beside the transitions: notes on an application and
//! the denial reason catalogue.

use sidelot_domain::api::DenialReason;
use sqlx::PgPool;

/// Adds a staff note to an application's history; false when there is no
/// such application.
pub async fn add_note(
    pool: &PgPool,
    application_id: i64,
    staff_id: i64,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let added = sqlx::query!(
        r#"
        insert into application_events (application_id, kind, actor_kind, actor_id, note)
        select id, 'note', 'staff', $2, $3 from applications where id = $1
        "#,
        application_id,
        staff_id,
        note
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(added > 0)
}

/// Adds a denial reason or changes one's words or whether it is offered
/// (codes are never deleted: the audit trail refers to them).
pub async fn save_reason(
    pool: &PgPool,
    reason: &DenialReason,
) -> Result<DenialReason, sqlx::Error> {
    sqlx::query_as!(
        DenialReason,
        r#"
        insert into denial_reasons (code, label, plain, plain_es, active) values ($1, $2, $3, $4, $5)
        on conflict (code) do update
            set label = excluded.label, plain = excluded.plain, plain_es = excluded.plain_es, active = excluded.active
        returning code, label, plain, plain_es, active
        "#,
        reason.code,
        reason.label,
        reason.plain,
        reason.plain_es,
        reason.active
    )
    .fetch_one(pool)
    .await
}
