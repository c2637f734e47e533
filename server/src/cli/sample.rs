//! `sidelot sample`: the synthetic neighbourhood written as a shapefile,
//! with its assessor's roll.

use std::path::PathBuf;

use clap::Args;

use crate::sample::{self, SampleOptions};

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// How many parcels (a few hundred to millions).
    #[arg(long, default_value_t = 600)]
    parcels: u64,
    /// Seed of the generator: the same seed and size give the same files.
    #[arg(long, default_value_t = 2016)]
    seed: u64,
    /// Folder to write into.
    #[arg(long, default_value = "gis-data/sample")]
    out: PathBuf,
    /// File name without extension.
    #[arg(long, default_value = "sidelot_sample")]
    name: String,
}

pub async fn run(args: SampleArgs) -> anyhow::Result<()> {
    let summary = tokio::task::spawn_blocking(move || {
        sample::write_sample(&SampleOptions {
            parcels: args.parcels,
            seed: args.seed,
            out_dir: args.out,
            name: args.name,
        })
    })
    .await??;
    println!(
        "sidelot: wrote {} ({} parcels in {} blocks, {} city-owned vacant lots; EPSG:3435) and its owners of record, {}",
        summary.shp.display(),
        summary.parcels,
        summary.blocks,
        summary.city_owned_vacant,
        summary.owners.display()
    );
    Ok(())
}
