//! Pieces the public pages are built of.

pub mod header;
pub mod list;
pub mod map;
pub mod qualify;
pub mod search;
pub mod subscribe;
