//! Formatting for people: numbers, areas, statuses and times.

use sidelot_domain::api::ParcelStatus;

use crate::messages::{Msg, t, tf};

pub use sidelot_domain::format::thousands;

/// A price in cents, as people write it: "$1", "$1,250.50".
pub fn price(cents: i64) -> String {
    let (dollars, rest) = (cents / 100, cents % 100);
    if rest == 0 {
        format!("${}", thousands(dollars))
    } else {
        format!("${}.{rest:02}", thousands(dollars))
    }
}

/// An area in the page's language: "1,234 sq ft", "1,234 pies²".
pub fn area(sqft: i64) -> String {
    tf(Msg::SqFt, &[&thousands(sqft)])
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

/// `rfc3339` as people in `time_zone` (an IANA name, a round's) read it:
/// "Mar 2, 2027, 9:04 AM CST". Outside a browser, as [`when`] says it.
pub fn when_in(rfc3339: &str, time_zone: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsValue;
        let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
        if date.get_time().is_nan() || time_zone.is_empty() {
            return when(rfc3339);
        }
        let options = js_sys::Object::new();
        for (key, value) in [
            ("timeZone", time_zone),
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
            ("timeZoneName", "short"),
        ] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        String::from(date.to_locale_string(crate::messages::current().locale(), &options))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = time_zone;
        when(rfc3339)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(price(100), "$1");
        assert_eq!(price(125_050), "$1,250.50");
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
