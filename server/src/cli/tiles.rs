//! `sidelot tiles prepare`: what every parcel import does for the map,
//! on demand (after an upgrade, say, whose migration left no tiles stored).

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
            let prepared = crate::tiles::prepare(&pool)
                .await
                .map_err(|e| anyhow::anyhow!("the map's tiles could not be prepared: {e:#}"))?;
            println!("{}", prepared.summary());
        }
    }
    Ok(ExitCode::SUCCESS)
}
