//! `sidelot round create|list|show`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use crate::rounds;

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Create a round from a TOML file: slug, name, opens and closes (local
    /// times), time_zone, and a [rules] table (see docs/rounds.md).
    Create {
        /// The round's TOML file.
        file: PathBuf,
    },
    /// List the rounds, the latest first.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one round: its times, rules and lots.
    Show {
        /// The round's slug.
        slug: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(url: Option<String>, command: RoundCommand) -> anyhow::Result<ExitCode> {
    let pool = super::open(url, 2).await?;
    match command {
        RoundCommand::Create { file } => {
            let spec = rounds::read_round_file(&file)?;
            match rounds::create_round(&pool, &spec, &super::actor()).await {
                Ok(r) => println!(
                    "sidelot: created round {} ({}), opening {} and closing {} ({})",
                    r.slug, r.name, r.opens_at, r.closes_at, r.time_zone
                ),
                Err(rounds::RoundError::Invalid(errors)) => {
                    eprintln!("sidelot: {} is not a valid round:", file.display());
                    for e in errors {
                        eprintln!("  {}: {}", e.field, e.message);
                    }
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            }
        }
        RoundCommand::List { json } => {
            let all = rounds::list_rounds(&pool).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if all.is_empty() {
                println!("sidelot: no rounds yet (sidelot round create FILE.toml)");
            } else {
                println!(
                    "{:<24} {:<9} {:>6}  {:<25} {:<25} name",
                    "slug", "state", "lots", "opens", "closes"
                );
                for r in all {
                    println!(
                        "{:<24} {:<9} {:>6}  {:<25} {:<25} {}",
                        r.slug,
                        format!("{:?}", r.state).to_lowercase(),
                        r.lots,
                        r.opens_at.to_rfc3339(),
                        r.closes_at.to_rfc3339(),
                        r.name
                    );
                }
            }
        }
        RoundCommand::Show { slug, json } => {
            let r = rounds::find_round(&pool, &slug).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!("{} ({})", r.name, r.slug);
                println!("  state:   {}", format!("{:?}", r.state).to_lowercase());
                println!("  opens:   {} ({})", r.opens_at.to_rfc3339(), r.time_zone);
                println!("  closes:  {}", r.closes_at.to_rfc3339());
                println!("  lots:    {}", r.lots);
                println!("  rules:   {}", serde_json::to_string(&r.rules)?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
