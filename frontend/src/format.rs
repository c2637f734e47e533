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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(thousands(2179), "2,179");
        assert_eq!(area(12_500), "12,500 sq ft");
    }
}
