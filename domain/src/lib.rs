//! Pure rules and API types of sidelot, shared by the server and the frontend.
//!
//! Nothing here does I/O; everything compiles for native targets and for
//! `wasm32-unknown-unknown`.

pub mod api;
pub mod application;
pub mod bbox;
pub mod drand;
pub mod eligibility;
pub mod format;
pub mod lang;
pub mod lottery;
pub mod messages;
pub mod owners;
pub mod pin;
pub mod routes;
pub mod search;
pub mod workflow;

pub use bbox::{BBox, BBoxError};
pub use pin::{Pin, PinError, PinFormat};
