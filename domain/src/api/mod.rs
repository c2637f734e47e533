//! Types of the HTTP API, shared by the server (which writes them) and the
//! frontend (which reads them), one file per resource. `docs/api.md`
//! describes the endpoints. Everything is re-exported here, so callers write
//! `sidelot_domain::api::ParcelStatus` whatever file defines it.

mod accounts;
mod applications;
mod config;
mod error;
mod figures;
mod imports;
mod lottery;
mod ogc;
mod outbox;
pub mod params;
mod parcels;
mod queue;
mod review;
mod rounds;
mod search;
mod session;

pub use accounts::*;
pub use applications::*;
pub use config::*;
pub use error::*;
pub use figures::*;
pub use imports::*;
pub use lottery::*;
pub use ogc::*;
pub use outbox::*;
pub use parcels::*;
pub use queue::*;
pub use review::*;
pub use rounds::*;
pub use search::*;
pub use session::*;
