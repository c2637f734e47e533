//! Staff accounts: Argon2id passwords (hashed off the async runtime),
//! sessions stored in PostgreSQL; sign-in throttling in [`crate::throttle`].

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{Duration, Utc};
use sidelot_domain::api::StaffAccount;
use sidelot_domain::workflow::Role;
use sqlx::PgPool;

use crate::throttle;
use crate::tokens::{self, NoRandomness, token_hash};

/// A session ends after this long without a request.
pub const IDLE_EXPIRY: Duration = Duration::minutes(30);
/// And in any case this long after sign-in.
pub const ABSOLUTE_EXPIRY: Duration = Duration::hours(12);
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Someone signed in.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// The session's anti-forgery token.
    pub csrf: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error("a staff account with the email {0} already exists")]
    Exists(String),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<NoRandomness> for AccountError {
    fn from(e: NoRandomness) -> Self {
        AccountError::Random(e.0)
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP's first Argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on a blocking thread: Argon2 takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> Result<String, AccountError> {
    let salt = tokens::random_bytes::<16>()?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AccountError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| AccountError::Hash(e.to_string()))?
}

/// Checks on a blocking thread. Without a stored hash (no such account) a
/// dummy one is checked, so the answer takes as long either way.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2lkZWxvdGR1bW15c2FsdA$2qM1/q2C4kcjJ0Ph/nWJdFdZkq+8aI0mwZbXPbH8qSQ";
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY.to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .unwrap_or(false)
}

/// What is wrong with a new password, if anything.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "must be at least {MIN_PASSWORD_CHARS} characters long"
        ));
    }
    if password.len() > 1024 {
        return Some("must be at most 1024 bytes long".into());
    }
    if password.eq_ignore_ascii_case(email) {
        return Some("must not be your email address".into());
    }
    // Length alone is not strength: common passwords, repeats, keyboard
    // rows, words with digits and the user's own name are guessed first.
    let name = email.split('@').next().unwrap_or_default();
    let estimate = zxcvbn::zxcvbn(password, &[email, name]);
    if estimate.score() < zxcvbn::Score::Three {
        let why = estimate
            .feedback()
            .and_then(zxcvbn::feedback::Feedback::warning)
            .map(|w| format!(" {w}"))
            .unwrap_or_default();
        return Some(format!(
            "is too easy to guess.{why} Choose a phrase of four or more words that do \
             not belong together, which is easy to remember and hard to guess."
        ));
    }
    None
}

/// Creates a staff account.
pub async fn add_user(
    pool: &PgPool,
    email: &str,
    role: Role,
    password: String,
) -> Result<i64, AccountError> {
    let email = email.trim();
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(AccountError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    }
    if let Some(problem) = password_problem(&password, email) {
        return Err(AccountError::Invalid(format!("the password {problem}")));
    }
    let hash = hash_password(password).await?;
    let id = sqlx::query_scalar!(
        "insert into staff_users (email, role, password_hash) values ($1, $2, $3)
         on conflict do nothing returning id",
        email,
        role.as_str(),
        hash
    )
    .fetch_optional(pool)
    .await?;
    let id = id.ok_or_else(|| AccountError::Exists(email.to_owned()))?;
    tracing::info!(target: "sidelot_server::security", event = "account_added", account = id, role = role.as_str());
    Ok(id)
}

/// Replaces a user's password and ends their other sessions.
pub async fn set_password(
    pool: &PgPool,
    user_id: i64,
    password: String,
    keep_session: Option<&[u8]>,
) -> Result<(), AccountError> {
    let hash = hash_password(password).await?;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update staff_users set password_hash = $2 where id = $1",
        user_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from staff_sessions where user_id = $1 and token_hash is distinct from $2",
        user_id,
        keep_session
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(target: "sidelot_server::security", event = "password_changed", account = user_id);
    Ok(())
}

/// The outcome of a sign-in.
pub enum SignIn {
    /// The session token for the cookie, and who signed in.
    Ok(String, StaffUser),
    Wrong,
    /// Try again after this many seconds.
    Throttled(i64),
}

pub async fn sign_in(
    pool: &PgPool,
    email: &str,
    password: String,
    address: &str,
) -> Result<SignIn, AccountError> {
    let email = email.trim();
    if let Some(wait) = throttle::wait(pool, email, address).await? {
        return Ok(SignIn::Throttled(wait));
    }
    let user = sqlx::query!(
        "select id, email, role, password_hash from staff_users
          where lower(email) = lower($1) and disabled_at is null",
        email
    )
    .fetch_optional(pool)
    .await?;
    let ok = verify_password(password, user.as_ref().map(|u| u.password_hash.clone())).await;
    let (true, Some(user)) = (ok, user) else {
        throttle::failed(pool, email, address).await?;
        return Ok(SignIn::Wrong);
    };
    throttle::succeeded(pool, user.id, email, address).await?;
    let token = tokens::hex_token()?;
    let csrf = tokens::hex_token()?;
    sqlx::query!(
        "insert into staff_sessions (token_hash, user_id, csrf_token, expires_at) values ($1, $2, $3, $4)",
        token_hash(&token),
        user.id,
        csrf,
        Utc::now() + ABSOLUTE_EXPIRY
    )
    .execute(pool)
    .await?;
    let role = stored_role(&user.role)?;
    Ok(SignIn::Ok(
        token,
        StaffUser {
            id: user.id,
            email: user.email,
            role,
            csrf,
        },
    ))
}

/// The user of a live session; touches it (at most once a minute).
pub async fn session_user(pool: &PgPool, token: &str) -> Result<Option<StaffUser>, sqlx::Error> {
    let hash = token_hash(token);
    let now = Utc::now();
    let row = sqlx::query!(
        r#"
        select s.csrf_token, s.last_seen_at, u.id, u.email, u.role
          from staff_sessions s join staff_users u on u.id = s.user_id
         where s.token_hash = $1 and s.expires_at > $2 and s.last_seen_at > $3
           and u.disabled_at is null
        "#,
        hash,
        now,
        now - IDLE_EXPIRY
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if now - row.last_seen_at > Duration::minutes(1) {
        sqlx::query!(
            "update staff_sessions set last_seen_at = $2 where token_hash = $1",
            hash,
            now
        )
        .execute(pool)
        .await?;
    }
    let Some(role) = Role::parse(&row.role) else {
        return Ok(None);
    };
    Ok(Some(StaffUser {
        id: row.id,
        email: row.email,
        role,
        csrf: row.csrf_token,
    }))
}

pub async fn sign_out(pool: &PgPool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from staff_sessions where token_hash = $1 or expires_at < now()",
        token_hash(token)
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A role read from the database: one the console does not know is refused,
/// never taken for another.
pub fn stored_role(raw: &str) -> Result<Role, sqlx::Error> {
    Role::parse(raw).ok_or_else(|| {
        sqlx::Error::Decode(format!("staff_users holds an unknown role {raw:?}").into())
    })
}

/// Every staff account, by email.
pub async fn accounts(pool: &PgPool) -> Result<Vec<StaffAccount>, sqlx::Error> {
    let rows = sqlx::query!(
        "select id, email, role, disabled_at, created_at from staff_users order by lower(email)"
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|u| {
            Ok(StaffAccount {
                id: u.id,
                email: u.email,
                role: stored_role(&u.role)?,
                disabled: u.disabled_at.is_some(),
                created_at: u.created_at.to_rfc3339(),
            })
        })
        .collect()
}

/// Gives an account another role, or disables or enables it; fields left
/// out stay. A new role or a disabled account takes effect at once: its
/// sessions end. None when there is no such account.
pub async fn change_account(
    pool: &PgPool,
    id: i64,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<Option<StaffAccount>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let Some(row) = sqlx::query!(
        r#"
        update staff_users
           set role = coalesce($2, role),
               disabled_at = case when $3::bool is null then disabled_at
                                  when $3 then coalesce(disabled_at, now())
                                  else null end
         where id = $1
        returning id, email, role, disabled_at, created_at
        "#,
        id,
        role.map(Role::as_str),
        disabled
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    tracing::info!(
        target: "sidelot_server::security",
        event = "account_changed",
        account = id,
        role = role.map(Role::as_str),
        disabled,
    );
    if row.disabled_at.is_some() || role.is_some() {
        // A new role or a disabled account takes effect now: sign in again.
        sqlx::query!("delete from staff_sessions where user_id = $1", id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(StaffAccount {
        id: row.id,
        email: row.email,
        role: stored_role(&row.role)?,
        disabled: row.disabled_at.is_some(),
        created_at: row.created_at.to_rfc3339(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_to_argon2id_and_verify() {
        let hash = hash_password("correct horse battery".into())
            .await
            .unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("correct horse batterz".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
    }

    #[test]
    fn weak_passwords_are_named() {
        assert!(password_problem("short", "a@b.c").is_some());
        assert!(password_problem("staff@city.gov", "STAFF@city.gov").is_some());
        assert_eq!(password_problem("a long enough phrase", "a@b.c"), None);
        for weak in [
            "aaaaaaaaaaaa",
            "password1234",
            "qwertyuiopas",
            "adminadmin12",
        ] {
            let problem = password_problem(weak, "admin@city.gov");
            assert!(
                problem
                    .as_deref()
                    .is_some_and(|p| p.starts_with("is too easy to guess.")),
                "{weak}: {problem:?}"
            );
        }
    }
}
