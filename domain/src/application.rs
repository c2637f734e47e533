//! An application for lots: the form's fields and their checks, shared by
//! the browser (a message beside each field) and the server (which checks
//! everything again).

use serde::{Deserialize, Serialize};

use crate::pin::{Pin, PinFormat};

/// What the applicant plans to do with the lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlannedUse {
    Garden,
    SideYard,
    Parking,
    PlayArea,
    Other,
}

impl PlannedUse {
    pub const ALL: [PlannedUse; 5] = [
        PlannedUse::Garden,
        PlannedUse::SideYard,
        PlannedUse::Parking,
        PlannedUse::PlayArea,
        PlannedUse::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlannedUse::Garden => "garden",
            PlannedUse::SideYard => "side_yard",
            PlannedUse::Parking => "parking",
            PlannedUse::PlayArea => "play_area",
            PlannedUse::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<PlannedUse> {
        PlannedUse::ALL.into_iter().find(|u| u.as_str() == text)
    }
}

/// One field that needs the applicant's attention: the field's name for
/// programs, and a whole sentence for the person (which never leans on the
/// field's name: "Your name is required.", not "applicant_name: is required").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The form field's name (`email`, `lots`, `deed`, ...).
    pub field: String,
    pub message: String,
}

impl FieldError {
    /// `message` is made a sentence ([`crate::format::sentence`]).
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: crate::format::sentence(&message.into()),
        }
    }
}

/// The form as submitted (every field as text, as a browser sends it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationForm {
    pub applicant_name: String,
    pub email: String,
    pub phone: String,
    pub mailing_address: String,
    /// PIN of the property the applicant owns.
    pub owned: String,
    /// PINs of the lots asked for.
    pub lots: Vec<String>,
    pub planned_use: String,
    pub planned_use_details: String,
    pub attests_ownership: bool,
    pub attests_taxes: bool,
}

/// The form once every field is right.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedForm {
    pub applicant_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub mailing_address: String,
    pub owned: Pin,
    pub lots: Vec<Pin>,
    pub planned_use: PlannedUse,
    pub planned_use_details: Option<String>,
}

/// Longest text field, in characters.
pub const MAX_TEXT: usize = 200;
/// Longest free text on the planned use.
pub const MAX_DETAILS: usize = 2000;
/// Longest note staff add to an application's history (which is kept for
/// good): about a page.
pub const MAX_NOTE: usize = 4000;

/// A staff note or reason as it will be kept: trimmed, line breaks made
/// `\n`, at most [`MAX_NOTE`] characters, no other control characters.
/// `label` names it in the messages ("The note").
pub fn note(field: &str, label: &str, value: &str) -> Result<String, FieldError> {
    let mut errors = Vec::new();
    let kept = text_field(
        &mut errors,
        (field, label),
        value,
        &format!("{label} is empty: write what should be kept"),
        MAX_NOTE,
        Lines::Many,
    );
    match errors.pop() {
        Some(e) => Err(e),
        None => Ok(kept),
    }
}

/// Whether a field is one line (an input) or may hold line breaks (a
/// textarea, whose lines a browser sends joined by CR LF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

/// A text field's checks; `label` names it in words ("Your name"), for the
/// messages.
fn text_field(
    errors: &mut Vec<FieldError>,
    (field, label): (&str, &str),
    value: &str,
    required: &str,
    max: usize,
    lines: Lines,
) -> String {
    let normalised;
    let value = match lines {
        Lines::One => value.trim(),
        Lines::Many => {
            normalised = value.replace("\r\n", "\n").replace('\r', "\n");
            normalised.trim()
        }
    };
    let allowed = |c: char| lines == Lines::Many && c == '\n';
    if value.is_empty() && !required.is_empty() {
        errors.push(FieldError::new(field, required));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("{label} must be at most {max} characters long"),
        ));
    } else if value.chars().any(|c| c.is_control() && !allowed(c)) {
        errors.push(FieldError::new(
            field,
            match lines {
                Lines::One => {
                    format!("{label} must be on one line, without tabs or other control characters")
                }
                Lines::Many => {
                    format!("{label} may hold line breaks, but no tabs or other control characters")
                }
            },
        ));
    }
    value.to_owned()
}

/// A plausible email address: one `@`, something before it, a dotted domain
/// after it, no spaces. (Whether it works is proven by the confirmation link.)
pub fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

impl ApplicationForm {
    /// Every problem with the form, each naming its field; `max_lots` is the
    /// round's limit.
    pub fn check(&self, max_lots: u32, format: PinFormat) -> Result<CheckedForm, Vec<FieldError>> {
        let mut errors = Vec::new();
        let applicant_name = text_field(
            &mut errors,
            ("applicant_name", "Your name"),
            &self.applicant_name,
            "Your name is required, as it is written on the deed",
            MAX_TEXT,
            Lines::One,
        );
        let email = text_field(
            &mut errors,
            ("email", "Your email address"),
            &self.email,
            "Your email address is required: we send your status link there",
            MAX_TEXT,
            Lines::One,
        );
        if !email.is_empty() && !email_ok(&email) {
            errors.push(FieldError::new(
                "email",
                format!("{email:?} is not an email address"),
            ));
        }
        let phone = text_field(
            &mut errors,
            ("phone", "The phone number"),
            &self.phone,
            "",
            40,
            Lines::One,
        );
        if !phone.is_empty()
            && (phone.chars().filter(char::is_ascii_digit).count() < 7
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().x".contains(c)))
        {
            errors.push(FieldError::new(
                "phone",
                format!("{phone:?} is not a phone number"),
            ));
        }
        let mailing_address = text_field(
            &mut errors,
            ("mailing_address", "Your mailing address"),
            &self.mailing_address,
            "Your mailing address is required: the city writes to you there",
            MAX_TEXT,
            Lines::Many,
        );
        let owned = match Pin::parse(self.owned.trim(), format) {
            Ok(pin) => Some(pin),
            Err(_) if self.owned.trim().is_empty() => {
                errors.push(FieldError::new(
                    "owned",
                    "Name the property you own beside the lot",
                ));
                None
            }
            Err(e) => {
                errors.push(FieldError::new("owned", e.to_string()));
                None
            }
        };
        let mut lots: Vec<Pin> = Vec::new();
        for raw in self.lots.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
            match Pin::parse(raw, format) {
                Ok(pin) if lots.contains(&pin) => {
                    errors.push(FieldError::new(
                        "lots",
                        format!("lot {} is listed twice", pin.dashed()),
                    ));
                }
                Ok(pin) if owned.as_ref() == Some(&pin) => {
                    errors.push(FieldError::new(
                        "lots",
                        "a lot cannot be the property you own",
                    ));
                }
                Ok(pin) => lots.push(pin),
                Err(e) => errors.push(FieldError::new("lots", e.to_string())),
            }
        }
        if lots.is_empty() && !errors.iter().any(|e| e.field == "lots") {
            errors.push(FieldError::new("lots", "choose at least one lot"));
        }
        if lots.len() > max_lots as usize {
            errors.push(FieldError::new(
                "lots",
                format!(
                    "this round allows at most {max_lots} lots per application, not {}",
                    lots.len()
                ),
            ));
        }
        let planned_use = PlannedUse::parse(self.planned_use.trim());
        if planned_use.is_none() {
            errors.push(FieldError::new(
                "planned_use",
                "choose one: garden, side yard, parking, play area or other",
            ));
        }
        let details = text_field(
            &mut errors,
            ("planned_use_details", "What you plan"),
            &self.planned_use_details,
            "",
            MAX_DETAILS,
            Lines::Many,
        );
        if planned_use == Some(PlannedUse::Other) && details.is_empty() {
            errors.push(FieldError::new(
                "planned_use_details",
                "say what you plan, since you chose other",
            ));
        }
        if !self.attests_ownership {
            errors.push(FieldError::new(
                "attests_ownership",
                "confirm that you own the property",
            ));
        }
        if !self.attests_taxes {
            errors.push(FieldError::new(
                "attests_taxes",
                "confirm that your property taxes are paid",
            ));
        }
        match (owned, planned_use, errors.is_empty()) {
            (Some(owned), Some(planned_use), true) => Ok(CheckedForm {
                applicant_name,
                email,
                phone: Some(phone).filter(|p| !p.is_empty()),
                mailing_address,
                owned,
                lots,
                planned_use,
                planned_use_details: Some(details).filter(|d| !d.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}

/// Kinds of proof of ownership accepted, told apart by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Pdf,
    Jpeg,
    Png,
}

impl DocumentKind {
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "application/pdf",
            DocumentKind::Jpeg => "image/jpeg",
            DocumentKind::Png => "image/png",
        }
    }
}

/// Largest document accepted: 10 MB.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// What a file really is, by its bytes: a PDF (header and end marker), a
/// JPEG (start and end of image) or a PNG (signature and end chunk). Its
/// name and declared type are not trusted.
pub fn document_kind(bytes: &[u8]) -> Result<DocumentKind, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "the file is {:.1} MB: at most 10 MB",
            bytes.len() as f64 / 1_048_576.0
        ));
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(b"%PDF-") {
        return if contains(tail, b"%%EOF") {
            Ok(DocumentKind::Pdf)
        } else {
            Err("the PDF is cut short (no end marker)".into())
        };
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return if contains(tail, &[0xFF, 0xD9]) {
            Ok(DocumentKind::Jpeg)
        } else {
            Err("the JPEG is cut short".into())
        };
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return if contains(tail, b"IEND") {
            Ok(DocumentKind::Png)
        } else {
            Err("the PNG is cut short".into())
        };
    }
    Err("The file is not a PDF, JPEG or PNG file".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ApplicationForm {
        ApplicationForm {
            applicant_name: "Ada Neighbour".into(),
            email: "ada@example.org".into(),
            phone: "(773) 555-0100".into(),
            mailing_address: "5312 W Van Buren St, Chicago IL 60644".into(),
            owned: "16-16-118-029-0000".into(),
            lots: vec!["16161180300000".into()],
            planned_use: "garden".into(),
            planned_use_details: String::new(),
            attests_ownership: true,
            attests_taxes: true,
        }
    }

    #[test]
    fn a_good_form_passes() {
        let checked = good().check(2, PinFormat::Cook).unwrap();
        assert_eq!(checked.owned.as_str(), "16161180290000");
        assert_eq!(checked.planned_use, PlannedUse::Garden);
        assert_eq!(checked.planned_use_details, None);
    }

    #[test]
    fn every_field_that_is_wrong_is_named() {
        let form = ApplicationForm {
            applicant_name: " ".into(),
            email: "ada at example".into(),
            phone: "call me".into(),
            mailing_address: String::new(),
            owned: "12".into(),
            lots: vec!["16161180300000".into(), "16-16-118-030-0000".into()],
            planned_use: "other".into(),
            planned_use_details: String::new(),
            attests_ownership: false,
            attests_taxes: false,
        };
        let errors = form.check(2, PinFormat::Cook).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "applicant_name",
                "email",
                "phone",
                "mailing_address",
                "owned",
                "lots",
                "planned_use_details",
                "attests_ownership",
                "attests_taxes"
            ]
        );
        assert_eq!(errors[5].message, "Lot 16-16-118-030-0000 is listed twice.");
        assert_eq!(
            errors[0].message,
            "Your name is required, as it is written on the deed."
        );
        assert_eq!(
            errors[1].message,
            "\"ada at example\" is not an email address."
        );
    }

    #[test]
    fn lots_are_counted_against_the_round() {
        let form = ApplicationForm {
            lots: vec![
                "16161180300000".into(),
                "16161180310000".into(),
                "16161180320000".into(),
            ],
            ..good()
        };
        let errors = form.check(2, PinFormat::Cook).unwrap_err();
        assert_eq!(
            errors[0].message,
            "This round allows at most 2 lots per application, not 3."
        );
        assert!(form.check(3, PinFormat::Cook).is_ok());
        let none = ApplicationForm {
            lots: vec![" ".into()],
            ..good()
        };
        assert_eq!(
            none.check(2, PinFormat::Cook).unwrap_err()[0].message,
            "Choose at least one lot."
        );
        let itself = ApplicationForm {
            lots: vec!["16161180290000".into()],
            ..good()
        };
        assert_eq!(
            itself.check(2, PinFormat::Cook).unwrap_err()[0].message,
            "A lot cannot be the property you own."
        );
    }

    #[test]
    fn a_note_is_bounded_and_kept_with_its_line_breaks() {
        assert_eq!(
            note("note", "The note", " Called.\r\nNo answer. ").unwrap(),
            "Called.\nNo answer."
        );
        let long = note("note", "The note", &"x".repeat(MAX_NOTE + 1)).unwrap_err();
        assert_eq!(long.field, "note");
        assert_eq!(
            long.message,
            "The note must be at most 4000 characters long."
        );
        assert!(
            note("note", "The note", "  ")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(note("note", "The note", "a\tb").is_err());
    }

    #[test]
    fn a_textarea_may_hold_line_breaks_but_no_other_control_characters() {
        let two_lines = ApplicationForm {
            mailing_address: "5312 W Van Buren St\r\nChicago IL 60644\r\n".into(),
            planned_use_details: "tomatoes\rbeans".into(),
            ..good()
        };
        let checked = two_lines.check(2, PinFormat::Cook).unwrap();
        assert_eq!(
            checked.mailing_address,
            "5312 W Van Buren St\nChicago IL 60644"
        );
        assert_eq!(
            checked.planned_use_details.as_deref(),
            Some("tomatoes\nbeans")
        );
        let tab = ApplicationForm {
            mailing_address: "5312 W Van Buren St\tChicago".into(),
            ..good()
        };
        let errors = tab.check(2, PinFormat::Cook).unwrap_err();
        assert_eq!(errors[0].field, "mailing_address");
        let broken_name = ApplicationForm {
            applicant_name: "Ada\r\nNeighbour".into(),
            ..good()
        };
        let errors = broken_name.check(2, PinFormat::Cook).unwrap_err();
        assert_eq!(errors[0].field, "applicant_name");
    }

    #[test]
    fn documents_are_known_by_their_content() {
        assert_eq!(
            document_kind(b"%PDF-1.7\n...\n%%EOF\n"),
            Ok(DocumentKind::Pdf)
        );
        assert!(document_kind(b"%PDF-1.7\n... cut").is_err());
        assert_eq!(
            document_kind(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9]),
            Ok(DocumentKind::Jpeg)
        );
        assert_eq!(
            document_kind(b"\x89PNG\r\n\x1a\n....IEND\xaeB`\x82"),
            Ok(DocumentKind::Png)
        );
        assert_eq!(
            document_kind(b"MZ\x90\x00 this is an exe").unwrap_err(),
            "The file is not a PDF, JPEG or PNG file"
        );
        assert!(document_kind(b"").is_err());
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(document_kind(&big).unwrap_err().contains("at most 10 MB"));
    }

    #[test]
    fn email_addresses_are_plausible() {
        for ok in ["a@b.co", "first.last+tag@city.gov"] {
            assert!(email_ok(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@b.co.", "a b@c.de", "a@@b.co"] {
            assert!(!email_ok(bad), "{bad}");
        }
    }
}
