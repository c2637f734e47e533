//! `sidelot user add`: a staff account, its password asked for on a
//! terminal or read from standard input.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Subcommand;

use crate::accounts::{self, AccountError};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account. The password is asked for twice (not shown) on
    /// a terminal, or read as the first line of standard input.
    Add {
        /// reviewer (works applications), admin (everything) or analyst
        /// (imports).
        #[arg(long)]
        role: String,
        email: String,
    },
}

pub async fn run(url: Option<String>, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { role, email } => add(url, &role, &email).await,
    }
}

async fn add(url: Option<String>, role: &str, email: &str) -> anyhow::Result<ExitCode> {
    let Some(role) = sidelot_domain::workflow::Role::parse(role.trim()) else {
        eprintln!("sidelot: {role:?} is not a role: use reviewer, admin or analyst");
        return Ok(ExitCode::from(2));
    };
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {email}: "))?;
        let again = rpassword::prompt_password("The same password again: ")?;
        if first != again {
            eprintln!("sidelot: the two passwords differ; nothing was created");
            return Ok(ExitCode::from(2));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    let pool = super::open(url, 2).await?;
    match accounts::add_user(&pool, email, role, password).await {
        Ok(id) => {
            println!("sidelot: staff account {id} created for {email} ({role})");
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (AccountError::Invalid(_) | AccountError::Exists(_))) => {
            eprintln!("sidelot: {e}; nothing was created");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
