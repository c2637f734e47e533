//! Applications for lots: everything checked again on the server, the proof
//! of ownership stored by its SHA-256 outside anything served, one
//! transaction for the application, its lots and evidence, its first event
//! and the confirmation message in the outbox.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use sidelot_domain::api::RoundState;
use sidelot_domain::application::{ApplicationForm, CheckedForm, FieldError, document_kind};
use sidelot_domain::eligibility::{self, MAX_LOTS_LIMIT};
use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{Msg, fill, text_in};
use sidelot_domain::{Pin, PinFormat};
use sqlx::PgPool;

use crate::rounds;

/// Where sidelot keeps files it must not serve: documents, and mail written
/// by the file transport.
#[derive(Debug, Clone)]
pub struct DataDir(pub PathBuf);

impl DataDir {
    pub fn documents(&self) -> PathBuf {
        self.0.join("documents")
    }
    pub fn mail(&self) -> PathBuf {
        self.0.join("mail")
    }
    /// Files uploaded for import, one folder each, kept until the import ends.
    pub fn uploads(&self) -> PathBuf {
        self.0.join("uploads")
    }
    /// Archives unpacked while they are imported.
    pub fn work(&self) -> PathBuf {
        self.0.join("work")
    }
    /// Where a document with this SHA-256 lives.
    pub fn document(&self, sha256: &str) -> PathBuf {
        self.documents().join(&sha256[..2]).join(sha256)
    }
}

/// A submission as it arrives.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub form: ApplicationForm,
    pub deed: Option<Vec<u8>>,
    pub idempotency_key: Option<String>,
    /// The language the applicant reads: every email about the application
    /// is written in it.
    pub language: Lang,
}

/// What the applicant gets back.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Receipt {
    pub tracking_code: String,
    /// The private status link's token: given once, never stored. Absent
    /// when the same submission was received before (the link is in the
    /// confirmation email).
    pub status_token: Option<String>,
    /// Whether this repeats an earlier submission (same idempotency key).
    pub repeated: bool,
}

/// The longest Idempotency-Key taken.
pub const MAX_IDEMPOTENCY_KEY: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("{} fields need attention", .0.len())]
    Invalid(Vec<FieldError>),
    /// The key was used by this applicant for a different application.
    #[error("this Idempotency-Key was sent before with a different application")]
    KeyReused,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Storage(#[from] std::io::Error),
}

/// Random bytes from the operating system.
fn random<const N: usize>() -> [u8; N] {
    // The OS generator does not fail on the platforms sidelot runs on; if it
    // ever did, all-zero bytes would collide on the unique constraints and
    // the submission would be refused, never accepted with a guessable token.
    crate::tokens::random_bytes().unwrap_or([0u8; N])
}

/// `SL-XXXX-XXXX` in Crockford's base 32 (no I, L, O, U): read aloud on the
/// phone without confusion.
pub fn tracking_code() -> String {
    crate::tokens::crockford_code("SL", random::<8>())
}

/// A status token (32 random bytes, URL-safe hex) and its SHA-256.
pub fn status_token() -> (String, Vec<u8>) {
    let token = hex::encode(random::<32>());
    let hash = crate::tokens::token_hash(&token);
    (token, hash)
}

/// Checks a submission against the form's rules, the round and the
/// geometry, then stores it. `public_url` starts the status link.
pub async fn submit(
    pool: &PgPool,
    data: &DataDir,
    public_url: &str,
    format: PinFormat,
    submission: Submission,
) -> Result<Receipt, SubmitError> {
    let language = submission.language;
    let t = |msg: Msg| text_in(language, msg);
    let key = submission
        .idempotency_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    // The key is the applicant's (by email) and tied to what was sent.
    let fingerprint = fingerprint(&submission);
    if let Some(key) = &key {
        if key.chars().count() > MAX_IDEMPOTENCY_KEY {
            return Err(SubmitError::Invalid(vec![FieldError::new(
                "Idempotency-Key",
                format!(
                    "The Idempotency-Key is longer than {MAX_IDEMPOTENCY_KEY} characters: send a shorter one, such as a UUID"
                ),
            )]));
        }
        if let Some(first) =
            by_idempotency_key(pool, &submission.form.email, key, &fingerprint).await?
        {
            return Ok(first);
        }
    }

    // The form alone (the round's own limit on lots comes next).
    let mut errors = Vec::new();
    let checked = match submission.form.check(MAX_LOTS_LIMIT, format, language) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let deed = match submission
        .deed
        .as_deref()
        .map(|d| document_kind(d, language))
    {
        None => {
            errors.push(FieldError::new("deed", t(Msg::DeedRequired)));
            None
        }
        Some(Err(why)) => {
            errors.push(FieldError::new("deed", why));
            None
        }
        Some(Ok(kind)) => Some(kind),
    };
    let (Some(form), Some(deed_kind), Some(deed_bytes)) = (checked, deed, submission.deed) else {
        return Err(SubmitError::Invalid(errors));
    };

    // The round: the one open round offering every lot asked for.
    let lot_pins: Vec<String> = form.lots.iter().map(|p| p.as_str().to_owned()).collect();
    let offers = sqlx::query!(
        r#"
        select l.pin, r.slug from round_lots l join rounds r on r.id = l.round_id
         where l.pin = any($1) and r.opens_at <= now() and now() < r.closes_at
        "#,
        &lot_pins
    )
    .fetch_all(pool)
    .await?;
    for lot in &form.lots {
        if !offers.iter().any(|o| o.pin == lot.as_str()) {
            errors.push(FieldError::new(
                "lots",
                fill(t(Msg::ErrLotNotOffered), &[&lot.dashed()]),
            ));
        }
    }
    let mut slugs: Vec<&str> = offers.iter().map(|o| o.slug.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    if slugs.len() > 1 {
        errors.push(FieldError::new("lots", t(Msg::ErrLotsInRounds)));
    }
    let round = match slugs.first() {
        Some(slug) if errors.is_empty() => {
            rounds::find_round(pool, slug).await.map_err(|e| match e {
                rounds::RoundError::Database(e) => SubmitError::Database(e),
                other => SubmitError::Invalid(vec![FieldError::new("lots", other.to_string())]),
            })?
        }
        _ => return Err(SubmitError::Invalid(errors)),
    };
    if round.state != RoundState::Open {
        return Err(SubmitError::Invalid(vec![FieldError::new(
            "lots",
            t(Msg::ErrRoundNotOpen),
        )]));
    }
    if form.lots.len() > round.rules.max_lots as usize {
        return Err(SubmitError::Invalid(vec![FieldError::new(
            "lots",
            fill(
                t(Msg::ErrRoundLotLimit),
                &[
                    &round.name,
                    &round.rules.max_lots.to_string(),
                    &form.lots.len().to_string(),
                ],
            ),
        )]));
    }
    let Some(owned_row) = sqlx::query!(
        "select address from parcels where pin = $1",
        form.owned.as_str()
    )
    .fetch_optional(pool)
    .await?
    else {
        return Err(SubmitError::Invalid(vec![FieldError::new(
            "owned",
            fill(t(Msg::ErrNoOwnedPin), &[&form.owned.dashed()]),
        )]));
    };
    // The explanation names the property as the pre-check does.
    let owned = eligibility::Owned {
        pin: &form.owned,
        address: owned_row.address.as_deref(),
    };

    // Each lot must qualify, by the same measures the pre-check shows.
    let mut evidence = Vec::new();
    for lot in &form.lots {
        let e = crate::eligibility::evidence(pool, lot.as_str(), &form.owned, &round.rules).await?;
        let relation = eligibility::relation(&e, &round.rules);
        match round.rules.priority(relation) {
            // Stored in English, for staff; the status page writes it
            // again in its reader's language from the evidence.
            Some(priority) => {
                let explanation =
                    eligibility::describe(relation, &e, &owned.words(Lang::En), Lang::En);
                evidence.push((lot.clone(), relation, priority, e, explanation))
            }
            None => errors.push(FieldError::new(
                "lots",
                fill(
                    t(Msg::ErrNotQualify),
                    &[
                        &lot.dashed(),
                        &eligibility::describe(relation, &e, &owned.words(language), language),
                        &eligibility::verdict(relation, &round.rules, language),
                    ],
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(SubmitError::Invalid(errors));
    }

    let sha256 = hex::encode(Sha256::digest(&deed_bytes));
    let stored = store_document(data, &sha256, &deed_bytes).await?;
    match insert(
        pool,
        &round,
        &form,
        &evidence,
        &sha256,
        deed_kind.content_type(),
        deed_bytes.len(),
        key.as_deref().map(|k| (k, fingerprint.as_slice())),
        public_url,
        language,
    )
    .await
    {
        Ok(receipt) => Ok(receipt),
        Err(e) => {
            // Nothing half-written stays behind: a file this submission
            // created goes with it (unless another application uses it).
            if stored {
                let used = sqlx::query_scalar!(
                    r#"select exists (select 1 from documents where sha256 = $1) as "used!""#,
                    sha256
                )
                .fetch_one(pool)
                .await
                .unwrap_or(true);
                if !used {
                    let _ = tokio::fs::remove_file(data.document(&sha256)).await;
                }
            }
            match e {
                // The same key raced us: the first answer stands.
                SubmitError::Database(db)
                    if constraint(&db) == Some("applications_idempotency_key_unique") =>
                {
                    match key {
                        Some(k) => by_idempotency_key(pool, &form.email, &k, &fingerprint)
                            .await?
                            .ok_or(SubmitError::Database(db)),
                        None => Err(SubmitError::Database(db)),
                    }
                }
                SubmitError::Database(db)
                    if constraint(&db) == Some("applications_one_per_owned_parcel") =>
                {
                    Err(SubmitError::Invalid(vec![FieldError::new(
                        "owned",
                        fill(t(Msg::ErrOneInRound), &[&form.owned.dashed(), &round.name]),
                    )]))
                }
                other => Err(other),
            }
        }
    }
}

fn constraint(e: &sqlx::Error) -> Option<&str> {
    e.as_database_error().and_then(|d| d.constraint())
}

/// SHA-256 of what was sent: the form's fields and the deed.
fn fingerprint(submission: &Submission) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(&submission.form).unwrap_or_default());
    hasher.update([u8::from(submission.deed.is_some())]);
    hasher.update(Sha256::digest(
        submission.deed.as_deref().unwrap_or_default(),
    ));
    hasher.finalize().to_vec()
}

/// The application this applicant sent before with `key`: its receipt when
/// it was the same request, [`SubmitError::KeyReused`] when it was not.
async fn by_idempotency_key(
    pool: &PgPool,
    email: &str,
    key: &str,
    fingerprint: &[u8],
) -> Result<Option<Receipt>, SubmitError> {
    let Some(first) = sqlx::query!(
        "select tracking_code, idempotency_fingerprint from applications
          where lower(email) = lower($1) and idempotency_key = $2",
        email.trim(),
        key
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    if first
        .idempotency_fingerprint
        .is_some_and(|f| f != fingerprint)
    {
        return Err(SubmitError::KeyReused);
    }
    Ok(Some(Receipt {
        tracking_code: first.tracking_code,
        status_token: None,
        repeated: true,
    }))
}

/// Writes the document under its SHA-256 (atomically: a temporary file,
/// then a rename). Returns whether this call created it.
async fn store_document(data: &DataDir, sha256: &str, bytes: &[u8]) -> std::io::Result<bool> {
    let path = data.document(sha256);
    if tokio::fs::try_exists(&path).await? {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(".{sha256}.{}", hex::encode(random::<4>())));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, &path).await?;
    Ok(true)
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces of one insert"
)]
async fn insert(
    pool: &PgPool,
    round: &rounds::Round,
    form: &CheckedForm,
    evidence: &[(
        Pin,
        eligibility::Relation,
        u32,
        eligibility::Evidence,
        String,
    )],
    sha256: &str,
    content_type: &str,
    size: usize,
    key: Option<(&str, &[u8])>,
    public_url: &str,
    language: Lang,
) -> Result<Receipt, SubmitError> {
    let (key, fingerprint) = key.unzip();
    let (token, token_hash) = status_token();
    let (confirm, confirm_hash) = status_token();
    let code = tracking_code();
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "insert into documents (sha256, content_type, size_bytes) values ($1, $2, $3) on conflict (sha256) do nothing",
        sha256,
        content_type,
        size as i64
    )
    .execute(&mut *tx)
    .await?;
    let id = sqlx::query_scalar!(
        r#"
        insert into applications (tracking_code, round_id, owned_pin, applicant_name, email, phone,
                                  mailing_address, planned_use, planned_use_details,
                                  attests_ownership, attests_taxes, deed_sha256,
                                  status_token_hash, idempotency_key, confirm_token_hash,
                                  idempotency_fingerprint, language)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, true, $10, $11, $12, $13, $14, $15)
        returning id
        "#,
        code,
        round.id,
        form.owned.as_str(),
        form.applicant_name,
        form.email,
        form.phone,
        form.mailing_address,
        form.planned_use.as_str(),
        form.planned_use_details,
        sha256,
        token_hash,
        key,
        confirm_hash,
        fingerprint,
        language.tag()
    )
    .fetch_one(&mut *tx)
    .await?;
    for (lot, relation, priority, e, explanation) in evidence {
        sqlx::query!(
            r#"
            insert into application_lots (application_id, round_id, lot_pin, relation, priority,
                                          shared_boundary_m, distance_m, same_block, explanation)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            "#,
            id,
            round.id,
            lot.as_str(),
            relation.as_str(),
            *priority as i32,
            e.shared_boundary_m,
            e.distance_m,
            e.same_block,
            explanation
        )
        .execute(&mut *tx)
        .await?;
    }
    // The applicant's name beside the owner of record, for ownership review.
    crate::owners::compare_application(&mut tx, id).await?;
    sqlx::query!(
        "insert into application_events (application_id, kind) values ($1, 'submitted')",
        id
    )
    .execute(&mut *tx)
    .await?;
    let links = crate::links::links_json(public_url, &token, &confirm, None);
    let lots: Vec<String> = evidence
        .iter()
        .map(|(l, ..)| fill(text_in(language, Msg::MailLotLine), &[&l.dashed()]))
        .collect();
    let body = crate::letters::letter(
        language,
        &form.applicant_name,
        &fill(
            text_in(language, Msg::MailReceivedBody),
            &[&code, &round.name, &lots.join("\n")],
        ),
    );
    sqlx::query!(
        "insert into outbox (application_id, to_address, subject, body, links) values ($1, $2, $3, $4, $5)",
        id,
        form.email,
        fill(text_in(language, Msg::MailReceivedSubject), &[&code]),
        body,
        links
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Receipt {
        tracking_code: code,
        status_token: Some(token),
        repeated: false,
    })
}

/// What a confirmation link found.
#[derive(Debug, PartialEq, Eq)]
pub enum Confirmation {
    /// Confirmed now.
    Confirmed,
    /// Confirmed before (the link was used already).
    Already,
    /// No application has this link.
    Unknown,
}

/// Confirms the email address of the application whose confirmation link
/// holds `token` (a one-time token only the email carries).
pub async fn confirm_by_token(pool: &PgPool, token: &str) -> Result<Confirmation, sqlx::Error> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Confirmation::Unknown);
    }
    let hash = crate::tokens::token_hash(&token.to_ascii_lowercase());
    let mut tx = pool.begin().await?;
    let Some(app) = sqlx::query!(
        r#"
        select id, email_confirmed_at from applications
         where confirm_token_hash = $1
            or id = (select application_id from application_links where token_hash = $1 and kind = 'confirm')
           for update
        "#,
        hash
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Confirmation::Unknown);
    };
    if app.email_confirmed_at.is_some() {
        return Ok(Confirmation::Already);
    }
    confirm_email(&mut tx, app.id).await?;
    tx.commit().await?;
    Ok(Confirmation::Confirmed)
}

/// Records that the applicant's email is confirmed, with its history event,
/// inside the caller's transaction (which holds the application's row lock).
pub async fn confirm_email(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    application_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update applications set email_confirmed_at = now() where id = $1",
        application_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into application_events (application_id, kind) values ($1, 'email_confirmed')",
        application_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
