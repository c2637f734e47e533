//! Formatting for people: numbers, areas, statuses and times.

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

/// "2027-03-02T15:04:05+00:00" -> "2027-03-02 15:04 UTC".
pub fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) if rfc3339.ends_with("+00:00") || rfc3339.ends_with('Z') => {
            format!("{day} {time} UTC")
        }
        (Some(day), Some(time)) => format!("{day} {time}"),
        _ => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(thousands(2179), "2,179");
        assert_eq!(area(12_500), "12,500 sq ft");
    }

    #[test]
    fn times_read_plainly() {
        assert_eq!(
            when("2027-03-02T15:04:05.123+00:00"),
            "2027-03-02 15:04 UTC"
        );
        assert_eq!(when("2027-03-02T15:04:05-06:00"), "2027-03-02 15:04");
        assert_eq!(when("soon"), "soon");
    }
}
