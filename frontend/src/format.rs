//! Formatting for people, and the state the URL carries.

use sidelot_domain::api::ParcelStatus;

use crate::messages::{Msg, t};

pub use sidelot_domain::format::thousands;

pub fn area(sqft: i64) -> String {
    format!("{} sq ft", thousands(sqft))
}

pub fn status(s: ParcelStatus) -> &'static str {
    t(match s {
        ParcelStatus::Available => Msg::StatusAvailable,
        ParcelStatus::Pending => Msg::StatusPending,
        ParcelStatus::Sold => Msg::StatusSold,
        ParcelStatus::NotForSale => Msg::StatusNotForSale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(thousands(2179), "2,179");
        assert_eq!(area(12_500), "12,500 sq ft");
    }
}
