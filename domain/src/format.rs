//! Numbers and sentences for people, the same on the server and in the
//! browser.

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

/// `text` as a sentence a person reads: trimmed, its first letter a
/// capital, ending with a full stop (unless it ends with one already, or
/// with `?` or `!`). Every message of an error answer goes through here.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// A wait in words, rounded up: "1 second", "40 seconds", "1 minute",
/// "15 minutes", "2 hours".
pub fn wait(seconds: i64) -> String {
    wait_in(crate::lang::Lang::En, seconds)
}

/// A wait in words in `lang`, rounded up: "40 seconds", "40 segundos".
pub fn wait_in(lang: crate::lang::Lang, seconds: i64) -> String {
    use crate::messages::{Msg, text_in};
    let seconds = seconds.max(1);
    let (n, unit) = if seconds < 60 {
        (seconds, 0)
    } else if seconds <= 90 * 60 {
        ((seconds + 59) / 60, 2)
    } else {
        ((seconds + 3599) / 3600, 4)
    };
    // The units, singular then plural: "second seconds minute ...".
    let word = text_in(lang, Msg::WaitUnits)
        .split(' ')
        .nth(unit + usize::from(n != 1))
        .unwrap_or_default();
    format!("{n} {word}")
}

/// A phone number as a spreadsheet cell that reads as one and cannot run as
/// a formula: a North American number as `(773) 555-0100`, another with a
/// leading `+` given the international prefix `00` instead (`00 44 20 ...`),
/// anything else as written.
pub fn phone_cell(phone: &str) -> String {
    let phone = phone.trim();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = match (phone.starts_with('+'), digits.len()) {
        (false, 10) => Some(digits.as_str()),
        (_, 11) if digits.starts_with('1') => Some(&digits[1..]),
        _ => None,
    };
    if let Some(n) = national {
        return format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]);
    }
    match phone.strip_prefix('+') {
        Some(rest) => format!("00 {}", rest.trim_start()),
        None => phone.to_owned(),
    }
}

/// Feet in a metre.
pub const FEET_PER_METRE: f64 = 3.280_84;

/// A length given in metres, in whole feet for people: "125 ft"; under
/// three feet, "less than 3 ft".
pub fn feet(metres: f64) -> String {
    feet_in(crate::lang::Lang::En, metres)
}

/// A length given in metres, in whole feet in `lang`: "125 ft", "125 pies".
pub fn feet_in(lang: crate::lang::Lang, metres: f64) -> String {
    use crate::messages::{Msg, fill, text_in};
    let ft = metres * FEET_PER_METRE;
    if ft < 3.0 {
        text_in(lang, Msg::FeetUnder3).to_owned()
    } else {
        fill(text_in(lang, Msg::Feet), &[&thousands(ft.round() as i64)])
    }
}

/// A date in words in `lang`: "December 1, 2026", "1 de diciembre de 2026".
/// `month` is 1 to 12; another is written as its number.
pub fn long_date(lang: crate::lang::Lang, year: i32, month: u32, day: u32) -> String {
    use crate::messages::{Msg, fill, text_in};
    let month = text_in(lang, Msg::MonthNames)
        .split(' ')
        .nth(month.saturating_sub(1) as usize)
        .filter(|_| (1..=12).contains(&month))
        .map_or_else(|| month.to_string(), str::to_owned);
    fill(
        text_in(lang, Msg::DateLong),
        &[&month, &day.to_string(), &year.to_string()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_words_in_each_language() {
        use crate::lang::Lang;
        assert_eq!(long_date(Lang::En, 2026, 12, 1), "December 1, 2026");
        assert_eq!(long_date(Lang::Es, 2026, 12, 1), "1 de diciembre de 2026");
        assert_eq!(long_date(Lang::Es, 2027, 1, 31), "31 de enero de 2027");
        assert_eq!(long_date(Lang::En, 2027, 13, 2), "13 2, 2027");
    }

    #[test]
    fn a_message_is_made_a_sentence() {
        assert_eq!(sentence("the PIN is empty"), "The PIN is empty.");
        assert_eq!(sentence(" Choose one. "), "Choose one.");
        assert_eq!(sentence("\"12\" is not a PIN"), "\"12\" is not a PIN.");
        assert_eq!(sentence("Really?"), "Really?");
        assert_eq!(sentence("étage"), "Étage.");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2179), "2,179");
        assert_eq!(thousands(21_844), "21,844");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(-1_234), "-1,234");
    }

    #[test]
    fn waits_are_said_in_the_unit_that_reads_best() {
        assert_eq!(wait(0), "1 second");
        assert_eq!(wait(1), "1 second");
        assert_eq!(wait(40), "40 seconds");
        assert_eq!(wait(61), "2 minutes");
        assert_eq!(wait(900), "15 minutes");
        assert_eq!(wait(86_400), "24 hours");
        use crate::lang::Lang;
        assert_eq!(wait_in(Lang::Es, 1), "1 segundo");
        assert_eq!(wait_in(Lang::Es, 900), "15 minutos");
    }

    #[test]
    fn phone_numbers_read_as_phone_numbers_in_a_spreadsheet() {
        assert_eq!(phone_cell("+1 773 555 0100"), "(773) 555-0100");
        assert_eq!(phone_cell("(773) 555-0100"), "(773) 555-0100");
        assert_eq!(phone_cell("1-773-555-0100"), "(773) 555-0100");
        assert_eq!(phone_cell("773.555.0100"), "(773) 555-0100");
        assert_eq!(phone_cell("+44 20 7946 0958"), "00 44 20 7946 0958");
        assert_eq!(phone_cell("555-0100"), "555-0100");
        for cell in ["+1 773 555 0100", "+44 20 7946 0958"] {
            assert!(
                !phone_cell(cell).starts_with(['=', '+', '-', '@']),
                "{cell}"
            );
        }
    }

    #[test]
    fn lengths_are_said_in_feet() {
        assert_eq!(feet(38.0), "125 ft");
        assert_eq!(feet(0.5), "less than 3 ft");
        assert_eq!(feet(400.0), "1,312 ft");
        use crate::lang::Lang;
        assert_eq!(feet_in(Lang::Es, 38.0), "125 pies");
        assert_eq!(feet_in(Lang::Es, 0.5), "menos de 3 pies");
    }
}
