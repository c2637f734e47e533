//! `sidelot tiles prepare`: what a server does for the map after every
//! parcel import, now (after an upgrade, say, whose migration left no tiles
//! stored, or before a benchmark).

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TilesCommand {
    /// Recompute the map's city-wide view and street names, and render and
    /// store every tile of zooms 10 to 16 over the parcels.
    Prepare,
}

pub async fn run(url: Option<String>, command: TilesCommand) -> anyhow::Result<ExitCode> {
    match command {
        TilesCommand::Prepare => {
            let pool = super::open(url, 4).await?;
            let prepared = crate::tiles::prepare_when(&pool, crate::tiles::When::Now)
                .await
                .map_err(|e| anyhow::anyhow!("the map's tiles could not be prepared: {e:#}"))?;
            if let Some(prepared) = prepared {
                println!("{}", prepared.summary());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
