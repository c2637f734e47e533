//! Formatting for people, and the state the URL carries.

use sidelot_domain::api::ParcelStatus;

use crate::messages::{Msg, t};

/// 21844 -> "21,844".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

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

/// The `pin` parameter of a query string (`?pin=16-16-214-233-0000`).
pub fn pin_from_query(query: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "pin")
        .map(|(_, v)| v.replace("%2D", "-").replace("%2d", "-"))
        .filter(|v| !v.is_empty())
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
    fn the_pin_comes_from_the_query() {
        assert_eq!(
            pin_from_query("?pin=16-16-214-233-0000").as_deref(),
            Some("16-16-214-233-0000")
        );
        assert_eq!(
            pin_from_query("?view=1&pin=16162142330000").as_deref(),
            Some("16162142330000")
        );
        assert_eq!(pin_from_query("?pin="), None);
        assert_eq!(pin_from_query(""), None);
    }
}
