//! `sidelot lottery verify`: a published draw recomputed, without a
//! database (docs/lottery.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum LotteryCommand {
    /// Recompute a published lottery (the JSON file from its public page)
    /// and say whether everything matches, or exactly what differs. Needs
    /// no database.
    Verify {
        /// The lottery file.
        file: PathBuf,
    },
}

pub fn run(command: LotteryCommand) -> anyhow::Result<ExitCode> {
    match command {
        LotteryCommand::Verify { file } => verify(&file),
    }
}

fn verify(file: &Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let published: sidelot_domain::lottery::Lottery = match serde_json::from_str(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("sidelot: {} is not a lottery file: {e}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let differences = sidelot_domain::lottery::verify(&published);
    if published.randomness.is_none() {
        println!(
            "sidelot: {} is committed but not drawn yet: the statement and entrant hash {}",
            file.display(),
            if differences.is_empty() {
                "match"
            } else {
                "do not match"
            }
        );
    }
    if differences.is_empty() {
        println!(
            "matches: {} ({}), {} lots, seed {}",
            published.round,
            published.algorithm,
            published.entrants.len(),
            published.seed.as_deref().unwrap_or("not drawn")
        );
        let committed = sidelot_domain::drand::committed_round(&published.randomness_source);
        match (committed, &published.beacon) {
            (Some((chain, round)), Some(_)) => println!(
                "beacon: drand {} round {round}, its signature verified against the chain's public key",
                chain.name
            ),
            (Some((chain, round)), None) => {
                println!("beacon: drand {} round {round}, not drawn yet", chain.name)
            }
            (None, _) => println!(
                "beacon: the randomness source names no drand round, so the randomness was not checked against a beacon"
            ),
        }
        if let Some(at) = sidelot_domain::drand::round_published_before(
            &published.randomness_source,
            &published.committed_at,
        ) {
            println!(
                "warning: the beacon round named was published (unix time {at}) before the lottery was committed ({}): its randomness could be known when the entrants were frozen",
                published.committed_at
            );
        }
        Ok(ExitCode::SUCCESS)
    } else {
        for d in &differences {
            println!(
                "differs: {}\n  published: {}\n  computed:  {}",
                d.what, d.published, d.computed
            );
        }
        Ok(ExitCode::from(1))
    }
}
