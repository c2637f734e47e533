//! Parcel identifiers.
//!
//! Cook County PINs read `AA-SS-BBB-PPP-UUUU` (area, sub-area, block, parcel,
//! unit): 14 digits, of which the first 7 name the tax block. Older records
//! carry the 10-digit PIN without the unit, which means unit `0000`.
//! Other jurisdictions use other identifiers; [`PinFormat::Any`] keeps them
//! as given (trimmed), so sidelot is not tied to Cook County.

use std::fmt;
use std::str::FromStr;

/// How parcel identifiers are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PinFormat {
    /// Cook County PINs: 14 digits (or 10, completed with unit `0000`),
    /// dashed or plain.
    #[default]
    Cook,
    /// Any identifier of printable characters, kept as given.
    Any,
}

impl PinFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            PinFormat::Cook => "cook",
            PinFormat::Any => "any",
        }
    }
}

impl FromStr for PinFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cook" => Ok(PinFormat::Cook),
            "any" => Ok(PinFormat::Any),
            other => Err(format!(
                "unknown PIN format {other:?}: use \"cook\" or \"any\""
            )),
        }
    }
}

impl fmt::Display for PinFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest identifier accepted in [`PinFormat::Any`].
pub const MAX_ANY_PIN_LEN: usize = 64;

/// Why a text is not a parcel identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("the PIN is empty")]
    Empty,
    #[error("the PIN holds the overflow marker {0:?} (the value did not fit its numeric field)")]
    Overflow(String),
    #[error("{0:?} is not a Cook County PIN: it must have 14 digits (or 10), dashed or plain")]
    NotCook(String),
    #[error("{0:?} is not a Cook County PIN: a PIN cannot be all zeros")]
    AllZeros(String),
    #[error("{0:?} is not a number")]
    NotANumber(String),
    #[error("the PIN is longer than {MAX_ANY_PIN_LEN} characters")]
    TooLong,
    #[error("the PIN holds a control character")]
    ControlCharacter,
}

impl PinError {
    /// The reason in `lang`, a sentence for the person who typed the PIN
    /// (the `Display` text is for files and logs).
    pub fn message_in(&self, lang: crate::lang::Lang) -> String {
        use crate::messages::{Msg, fill, text_in};
        match self {
            PinError::Empty => text_in(lang, Msg::PinEmpty).to_owned(),
            PinError::Overflow(t) => fill(text_in(lang, Msg::PinOverflow), &[t]),
            PinError::NotCook(t) => fill(text_in(lang, Msg::PinNotCook), &[t]),
            PinError::AllZeros(t) => fill(text_in(lang, Msg::PinAllZeros), &[t]),
            PinError::NotANumber(t) => fill(text_in(lang, Msg::PinNotNumber), &[t]),
            PinError::TooLong => fill(
                text_in(lang, Msg::PinTooLong),
                &[&MAX_ANY_PIN_LEN.to_string()],
            ),
            PinError::ControlCharacter => text_in(lang, Msg::PinControl).to_owned(),
        }
    }
}

/// A parcel identifier, normalised: Cook County PINs as 14 plain digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pin(String);

impl Pin {
    /// Parses an identifier typed by a person or stored as text.
    pub fn parse(raw: &str, format: PinFormat) -> Result<Pin, PinError> {
        let raw = non_blank(raw)?;
        match format {
            PinFormat::Cook => parse_cook(raw),
            PinFormat::Any => parse_any(raw),
        }
    }

    /// Parses an identifier stored in a numeric field (a DBF `N` field, a
    /// JSON number), from the field's exact text (never through a float).
    ///
    /// A number loses leading zeros, and a Cook County PIN can start with
    /// one zero at most (areas 01-09): 13 significant digits are a 14-digit
    /// PIN, 9 a 10-digit one. A zero fraction (`.000`) is dropped; any other
    /// fraction is refused.
    pub fn from_number_text(raw: &str, format: PinFormat) -> Result<Pin, PinError> {
        let text = non_blank(raw)?;
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let int = int.strip_prefix('+').unwrap_or(int);
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !is_digits(int) || !is_digits(frac) || frac.bytes().any(|b| b != b'0')
        {
            return Err(PinError::NotANumber(text.to_owned()));
        }
        match format {
            PinFormat::Any => parse_any(int),
            PinFormat::Cook => {
                let significant = int.trim_start_matches('0');
                let digits = match significant.len() {
                    13 | 9 => format!("0{significant}"),
                    14 | 10 => significant.to_owned(),
                    _ => return Err(PinError::NotCook(text.to_owned())),
                };
                parse_cook(&digits)
            }
        }
    }

    /// The normalised identifier (14 plain digits for Cook County PINs).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// `AA-SS-BBB-PPP-UUUU` for a Cook County PIN; the identifier itself otherwise.
    pub fn dashed(&self) -> String {
        dashed(&self.0)
    }

    /// The tax block (first 7 digits) of a Cook County PIN.
    pub fn tax_block(&self) -> Option<&str> {
        is_cook_digits(&self.0).then(|| &self.0[..7])
    }
}

/// `AA-SS-BBB-PPP-UUUU` for 14 digits; anything else unchanged.
pub fn dashed(pin: &str) -> String {
    if is_cook_digits(pin) {
        format!(
            "{}-{}-{}-{}-{}",
            &pin[0..2],
            &pin[2..4],
            &pin[4..7],
            &pin[7..10],
            &pin[10..14]
        )
    } else {
        pin.to_owned()
    }
}

fn is_cook_digits(s: &str) -> bool {
    s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_cook(raw: &str) -> Result<Pin, PinError> {
    let mut digits = String::with_capacity(14);
    for c in raw.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | ' ' => {}
            _ => return Err(PinError::NotCook(raw.to_owned())),
        }
    }
    // Dashes must sit where Cook County puts them, or not at all.
    if raw.contains('-') && !dashes_well_placed(raw) {
        return Err(PinError::NotCook(raw.to_owned()));
    }
    match digits.len() {
        14 => {}
        10 => digits.push_str("0000"),
        _ => return Err(PinError::NotCook(raw.to_owned())),
    }
    if digits.bytes().all(|b| b == b'0') {
        return Err(PinError::AllZeros(raw.to_owned()));
    }
    Ok(Pin(digits))
}

/// `AA-SS-BBB-PPP` or `AA-SS-BBB-PPP-UUUU`.
fn dashes_well_placed(raw: &str) -> bool {
    const LENS: [usize; 5] = [2, 2, 3, 3, 4];
    let groups: Vec<&str> = raw.split('-').collect();
    (groups.len() == 4 || groups.len() == 5)
        && groups.iter().zip(LENS).all(|(g, n)| g.trim().len() == n)
}

/// The trimmed text, unless it is blank or the numeric overflow marker.
fn non_blank(raw: &str) -> Result<&str, PinError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(PinError::Empty);
    }
    if raw.bytes().all(|b| b == b'*') {
        return Err(PinError::Overflow(raw.to_owned()));
    }
    Ok(raw)
}

fn parse_any(raw: &str) -> Result<Pin, PinError> {
    if raw.chars().count() > MAX_ANY_PIN_LEN {
        return Err(PinError::TooLong);
    }
    if raw.chars().any(char::is_control) {
        return Err(PinError::ControlCharacter);
    }
    Ok(Pin(raw.to_owned()))
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Pin {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cook(s: &str) -> Result<Pin, PinError> {
        Pin::parse(s, PinFormat::Cook)
    }

    #[test]
    fn dashed_and_plain_cook_pins_are_the_same_pin() {
        let plain = cook("13333180190000").unwrap();
        let dashed = cook("13-33-318-019-0000").unwrap();
        assert_eq!(plain, dashed);
        assert_eq!(plain.as_str(), "13333180190000");
        assert_eq!(plain.dashed(), "13-33-318-019-0000");
        assert_eq!(plain.tax_block(), Some("1333318"));
    }

    #[test]
    fn a_ten_digit_pin_gets_the_0000_unit() {
        assert_eq!(cook("1333318019").unwrap().as_str(), "13333180190000");
        assert_eq!(cook("13-33-318-019").unwrap().as_str(), "13333180190000");
    }

    #[test]
    fn surrounding_blanks_are_ignored() {
        assert_eq!(
            cook("  16054090380000 ").unwrap().as_str(),
            "16054090380000"
        );
    }

    #[test]
    fn wrong_lengths_letters_and_misplaced_dashes_are_refused() {
        for bad in [
            "1333318019000",
            "133331801900000",
            "13-33-318-019-000A",
            "1-333-318-019-0000",
            "13333-180190000",
            "PIN",
            "12345",
        ] {
            assert!(
                matches!(cook(bad), Err(PinError::NotCook(_))),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn empty_overflow_and_zero_pins_are_refused_with_their_own_reason() {
        assert_eq!(cook("   "), Err(PinError::Empty));
        assert!(matches!(
            cook("****************"),
            Err(PinError::Overflow(_))
        ));
        assert!(matches!(cook("00000000000000"), Err(PinError::AllZeros(_))));
    }

    #[test]
    fn numeric_fields_keep_every_digit_and_restore_leading_zeros() {
        let n = |s| Pin::from_number_text(s, PinFormat::Cook);
        assert_eq!(n("   16054090380000").unwrap().as_str(), "16054090380000");
        assert_eq!(n("16054090380000.000").unwrap().as_str(), "16054090380000");
        // A PIN in area 01 stored as a number lost its leading zero.
        assert_eq!(n("1054090380000").unwrap().as_str(), "01054090380000");
        // A 10-digit PIN likewise, then completed with its unit.
        assert_eq!(n("105409038").unwrap().as_str(), "01054090380000");
        // Zero-padded numbers are fine; no area starts with two zeros.
        assert_eq!(n("0016054090380000").unwrap().as_str(), "16054090380000");
        assert!(matches!(n("105409038000"), Err(PinError::NotCook(_))));
        assert!(matches!(n("10540903800"), Err(PinError::NotCook(_))));
        assert!(matches!(n("***********"), Err(PinError::Overflow(_))));
        assert!(matches!(
            n("1.6054090380000E13"),
            Err(PinError::NotANumber(_))
        ));
        assert!(matches!(
            n("16054090380000.5"),
            Err(PinError::NotANumber(_))
        ));
        assert!(matches!(n("-16054090380000"), Err(PinError::NotANumber(_))));
    }

    #[test]
    fn any_format_keeps_identifiers_as_given() {
        let pin = Pin::parse(" R-0042/7b ", PinFormat::Any).unwrap();
        assert_eq!(pin.as_str(), "R-0042/7b");
        assert_eq!(pin.dashed(), "R-0042/7b");
        assert_eq!(pin.tax_block(), None);
        assert_eq!(Pin::parse("", PinFormat::Any), Err(PinError::Empty));
        assert_eq!(
            Pin::parse("a\u{7}b", PinFormat::Any),
            Err(PinError::ControlCharacter)
        );
        assert_eq!(
            Pin::parse(&"x".repeat(65), PinFormat::Any),
            Err(PinError::TooLong)
        );
        assert_eq!(
            Pin::from_number_text("0042", PinFormat::Any)
                .unwrap()
                .as_str(),
            "0042"
        );
    }

    #[test]
    fn pin_format_parses_from_its_name() {
        assert_eq!("cook".parse::<PinFormat>(), Ok(PinFormat::Cook));
        assert_eq!(" ANY ".parse::<PinFormat>(), Ok(PinFormat::Any));
        assert!("county".parse::<PinFormat>().is_err());
    }

    proptest! {
        #[test]
        fn every_fourteen_digit_pin_round_trips_through_all_its_spellings(
            digits in "[0-9]{14}".prop_filter("not all zeros", |d| d != "00000000000000")
        ) {
            let plain = cook(&digits).unwrap();
            prop_assert_eq!(plain.as_str(), digits.as_str());
            let dashed = cook(&plain.dashed()).unwrap();
            prop_assert_eq!(&dashed, &plain);
            // As a number, a leading zero is gone; it must come back.
            let as_number = digits.trim_start_matches('0');
            if digits.len() - as_number.len() <= 1 {
                prop_assert_eq!(Pin::from_number_text(as_number, PinFormat::Cook).unwrap(), plain);
            }
        }

        #[test]
        fn parsing_never_panics_and_cook_pins_are_always_fourteen_digits(raw in "\\PC{0,30}") {
            if let Ok(pin) = cook(&raw) {
                prop_assert_eq!(pin.as_str().len(), 14);
                prop_assert!(pin.as_str().bytes().all(|b| b.is_ascii_digit()));
            }
            let _ = Pin::from_number_text(&raw, PinFormat::Cook);
            let _ = Pin::parse(&raw, PinFormat::Any);
        }
    }
}
