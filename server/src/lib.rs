//! The sidelot server: HTTP API, database access, imports, sample data and
//! the `sidelot` command line.

pub mod accounts;
pub mod applications;
pub mod blocks;
pub mod cli;
pub mod clock;
pub mod db;
pub mod eligibility;
pub mod glyphs;
pub mod http;
pub mod import;
pub mod letters;
pub mod links;
pub mod lottery;
pub mod mail;
pub mod owners;
pub mod postal;
pub mod rounds;
pub mod sample;
pub mod scratch;
pub mod startup;
pub mod subscriptions;
pub mod throttle;
pub mod tiles;
pub mod tokens;
pub mod workflow;
