//! `sidelot user add`.

use std::process::Stdio;

use super::*;

/// `sidelot user add`, the password on standard input.
fn add_user(url: &str, role: &str, email: &str, password: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(sidelot_bin())
        .args(["--database-url", url, "user", "add", "--role", role, email])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[sqlx::test(migrations = false)]
async fn the_first_admin_is_created_from_the_command_line(pool: PgPool) {
    let url = database_url(&pool);
    let migrate = Command::new(sidelot_bin())
        .args(["--database-url", &url, "migrate"])
        .output()
        .unwrap();
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));

    let out = add_user(
        &url,
        "admin",
        "chief@city.example",
        "a long admin passphrase",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created for chief@city.example (admin)"));
    let (role, hash): (String, String) = sqlx::query_as(
        "select role, password_hash from staff_users where email = 'chief@city.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(role, "admin");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("passphrase"));

    // Refusals say why, exit 2, and create nothing.
    for (role, email, password, says) in [
        (
            "admin",
            "CHIEF@city.example",
            "another long passphrase",
            "already exists",
        ),
        (
            "boss",
            "x@city.example",
            "a long admin passphrase",
            "not a role",
        ),
        (
            "reviewer",
            "x@city.example",
            "short",
            "at least 12 characters",
        ),
        (
            "reviewer",
            "x@city.example",
            "aaaaaaaaaaaa",
            "too easy to guess",
        ),
        (
            "reviewer",
            "x@city.example",
            "password1234",
            "too easy to guess",
        ),
        (
            "reviewer",
            "not-an-email",
            "a long admin passphrase",
            "not an email address",
        ),
    ] {
        let out = add_user(&url, role, email, password);
        assert_eq!(out.status.code(), Some(2), "{role} {email}");
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
    }
    let count: i64 = sqlx::query_scalar("select count(*) from staff_users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}
