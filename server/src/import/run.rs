//! The one way a parcel import runs, from `sidelot import parcels` and from
//! the staff console alike: the import itself (one transaction), then the
//! geometric blocks rounds use recomputed for the new parcels, or, when it
//! fails, the failure recorded in the import history. (The map's tiles are
//! prepared by a server in the background: see [`crate::tiles::keep_prepared`].)
//!
//! Lot inventories have one entry point already, `rounds::import_lots`,
//! which computes the blocks its round needs.

use std::future::Future;

use sqlx::PgPool;

use super::{ImportOptions, ImportReport, Progress, import_parcels, record_failure};
use crate::blocks::{self, BlockSet};

/// How a parcel import ended.
#[derive(Debug)]
pub enum Outcome {
    /// The parcels landed.
    Imported {
        report: Box<ImportReport>,
        /// Every block set that existed, recomputed (gap in metres, set).
        blocks: Result<Vec<(f64, BlockSet)>, sqlx::Error>,
    },
    /// Nothing was changed.
    Failed {
        error: String,
        /// Whether `stop` ended it.
        stopped: bool,
        /// The failed import's number in the history.
        recorded: Result<i64, sqlx::Error>,
    },
}

/// Imports parcels, then refreshes the blocks; records the failure when it
/// fails. When `stop` finishes first the import is abandoned (unless it is
/// committing already: then it is let finish), and the failure recorded is
/// the words `stop` gives.
pub async fn parcels(
    pool: &PgPool,
    opts: &ImportOptions,
    progress: &Progress,
    stop: impl Future<Output = String>,
) -> Outcome {
    let mut task = {
        let (pool, opts, progress) = (pool.clone(), opts.clone(), progress.clone());
        tokio::spawn(async move { import_parcels(&pool, &opts, &progress).await })
    };
    let outcome = tokio::select! {
        joined = &mut task => Ok(joined),
        reason = stop => Err(reason),
    };
    let outcome = match outcome {
        Ok(joined) => Ok(joined),
        // Past the point of no return: let the commit finish.
        Err(_) if progress.is_committing() => Ok(task.await),
        Err(reason) => {
            task.abort();
            Err(reason)
        }
    };
    let (error, stopped) = match outcome {
        Ok(Ok(Ok(report))) => {
            // The geometric blocks rounds use follow the parcels.
            let blocks = blocks::refresh_existing(pool).await;
            return Outcome::Imported {
                report: Box::new(report),
                blocks,
            };
        }
        Ok(Ok(Err(e))) => (e.to_string(), false),
        Ok(Err(e)) => (format!("internal error: {e}"), false),
        Err(reason) => (reason, true),
    };
    let recorded = record_failure(pool, opts, &error).await;
    Outcome::Failed {
        error,
        stopped,
        recorded,
    }
}
