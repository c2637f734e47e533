//! An application for lots: the form's fields and their checks, shared by
//! the browser (a message beside each field) and the server (which checks
//! everything again).

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::messages::{Msg, fill, text_in};
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
        Lang::En,
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
    lang: Lang,
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
            fill(text_in(lang, Msg::ErrTooLong), &[label, &max.to_string()]),
        ));
    } else if value.chars().any(|c| c.is_control() && !allowed(c)) {
        errors.push(FieldError::new(
            field,
            fill(
                text_in(
                    lang,
                    match lines {
                        Lines::One => Msg::ErrOneLine,
                        Lines::Many => Msg::ErrManyLines,
                    },
                ),
                &[label],
            ),
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
    /// Every problem with the form, each naming its field and said in
    /// `lang`; `max_lots` is the round's limit.
    pub fn check(
        &self,
        max_lots: u32,
        format: PinFormat,
        lang: Lang,
    ) -> Result<CheckedForm, Vec<FieldError>> {
        let t = |msg: Msg| text_in(lang, msg);
        let mut errors = Vec::new();
        let applicant_name = text_field(
            &mut errors,
            ("applicant_name", t(Msg::FieldYourName)),
            &self.applicant_name,
            t(Msg::ErrNameRequired),
            MAX_TEXT,
            Lines::One,
            lang,
        );
        let email = text_field(
            &mut errors,
            ("email", t(Msg::FieldYourEmail)),
            &self.email,
            t(Msg::ErrEmailRequired),
            MAX_TEXT,
            Lines::One,
            lang,
        );
        if !email.is_empty() && !email_ok(&email) {
            errors.push(FieldError::new(
                "email",
                fill(t(Msg::ErrNotEmail), &[&email]),
            ));
        }
        let phone = text_field(
            &mut errors,
            ("phone", t(Msg::FieldPhone)),
            &self.phone,
            "",
            40,
            Lines::One,
            lang,
        );
        if !phone.is_empty()
            && (phone.chars().filter(char::is_ascii_digit).count() < 7
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().x".contains(c)))
        {
            errors.push(FieldError::new(
                "phone",
                fill(t(Msg::ErrNotPhone), &[&phone]),
            ));
        }
        let mailing_address = text_field(
            &mut errors,
            ("mailing_address", t(Msg::FieldYourAddress)),
            &self.mailing_address,
            t(Msg::ErrAddressRequired),
            MAX_TEXT,
            Lines::Many,
            lang,
        );
        let owned = match Pin::parse(self.owned.trim(), format) {
            Ok(pin) => Some(pin),
            Err(_) if self.owned.trim().is_empty() => {
                errors.push(FieldError::new("owned", t(Msg::ErrOwnedRequired)));
                None
            }
            Err(e) => {
                errors.push(FieldError::new("owned", e.message_in(lang)));
                None
            }
        };
        let mut lots: Vec<Pin> = Vec::new();
        for raw in self.lots.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
            match Pin::parse(raw, format) {
                Ok(pin) if lots.contains(&pin) => {
                    errors.push(FieldError::new(
                        "lots",
                        fill(t(Msg::ErrLotTwice), &[&pin.dashed()]),
                    ));
                }
                Ok(pin) if owned.as_ref() == Some(&pin) => {
                    errors.push(FieldError::new("lots", t(Msg::ErrLotIsOwned)));
                }
                Ok(pin) => lots.push(pin),
                Err(e) => errors.push(FieldError::new("lots", e.message_in(lang))),
            }
        }
        if lots.is_empty() && !errors.iter().any(|e| e.field == "lots") {
            errors.push(FieldError::new("lots", t(Msg::ErrNoLot)));
        }
        if lots.len() > max_lots as usize {
            errors.push(FieldError::new(
                "lots",
                fill(
                    t(Msg::ErrTooManyLots),
                    &[&max_lots.to_string(), &lots.len().to_string()],
                ),
            ));
        }
        let planned_use = PlannedUse::parse(self.planned_use.trim());
        if planned_use.is_none() {
            errors.push(FieldError::new("planned_use", t(Msg::ErrChooseUse)));
        }
        let details = text_field(
            &mut errors,
            ("planned_use_details", t(Msg::FieldYourPlans)),
            &self.planned_use_details,
            "",
            MAX_DETAILS,
            Lines::Many,
            lang,
        );
        if planned_use == Some(PlannedUse::Other) && details.is_empty() {
            errors.push(FieldError::new("planned_use_details", t(Msg::ErrSayOther)));
        }
        if !self.attests_ownership {
            errors.push(FieldError::new(
                "attests_ownership",
                t(Msg::ErrAttestOwnership),
            ));
        }
        if !self.attests_taxes {
            errors.push(FieldError::new("attests_taxes", t(Msg::ErrAttestTaxes)));
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
/// name and declared type are not trusted. The reason it is refused is
/// said in `lang`.
pub fn document_kind(bytes: &[u8], lang: Lang) -> Result<DocumentKind, String> {
    let no = |msg: Msg| Err(text_in(lang, msg).to_owned());
    if bytes.is_empty() {
        return no(Msg::DeedEmpty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(fill(
            text_in(lang, Msg::DeedTooLarge),
            &[&format!("{:.1}", bytes.len() as f64 / 1_048_576.0)],
        ));
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(b"%PDF-") {
        return if contains(tail, b"%%EOF") {
            Ok(DocumentKind::Pdf)
        } else {
            no(Msg::DeedPdfCut)
        };
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return if contains(tail, &[0xFF, 0xD9]) {
            Ok(DocumentKind::Jpeg)
        } else {
            no(Msg::DeedJpegCut)
        };
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return if contains(tail, b"IEND") {
            Ok(DocumentKind::Png)
        } else {
            no(Msg::DeedPngCut)
        };
    }
    no(Msg::DeedNotKnown)
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
        let checked = good().check(2, PinFormat::Cook, Lang::En).unwrap();
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
        let errors = form.check(2, PinFormat::Cook, Lang::En).unwrap_err();
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
    fn every_field_is_refused_in_the_applicants_language() {
        let form = ApplicationForm {
            applicant_name: " ".into(),
            email: "ada at example".into(),
            phone: "call me".into(),
            mailing_address: "a\tb".into(),
            owned: "12".into(),
            lots: vec![],
            planned_use: "pond".into(),
            planned_use_details: String::new(),
            attests_ownership: false,
            attests_taxes: false,
        };
        let english = form.check(2, PinFormat::Cook, Lang::En).unwrap_err();
        let spanish = form.check(2, PinFormat::Cook, Lang::Es).unwrap_err();
        assert_eq!(english.len(), spanish.len());
        for (en, es) in english.iter().zip(&spanish) {
            assert_eq!(en.field, es.field);
            assert_ne!(en.message, es.message, "{} is not translated", en.field);
        }
        let said: Vec<&str> = spanish.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            said[..5],
            [
                "Falta su nombre, tal como está escrito en la escritura.",
                "\"ada at example\" no es una dirección de correo electrónico.",
                "\"call me\" no es un número de teléfono.",
                "Su dirección postal puede tener saltos de línea, pero no tabulaciones ni otros caracteres de control.",
                "\"12\" no es un PIN del condado de Cook: debe tener 14 dígitos (o 10), con o sin guiones.",
            ]
        );
        assert!(
            document_kind(b"MZ", Lang::Es)
                .unwrap_err()
                .contains("no es un PDF")
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
        let errors = form.check(2, PinFormat::Cook, Lang::En).unwrap_err();
        assert_eq!(
            errors[0].message,
            "This round allows at most 2 lots per application, not 3."
        );
        assert!(form.check(3, PinFormat::Cook, Lang::En).is_ok());
        let none = ApplicationForm {
            lots: vec![" ".into()],
            ..good()
        };
        assert_eq!(
            none.check(2, PinFormat::Cook, Lang::En).unwrap_err()[0].message,
            "Choose at least one lot."
        );
        let itself = ApplicationForm {
            lots: vec!["16161180290000".into()],
            ..good()
        };
        assert_eq!(
            itself.check(2, PinFormat::Cook, Lang::En).unwrap_err()[0].message,
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
        let checked = two_lines.check(2, PinFormat::Cook, Lang::En).unwrap();
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
        let errors = tab.check(2, PinFormat::Cook, Lang::En).unwrap_err();
        assert_eq!(errors[0].field, "mailing_address");
        let broken_name = ApplicationForm {
            applicant_name: "Ada\r\nNeighbour".into(),
            ..good()
        };
        let errors = broken_name.check(2, PinFormat::Cook, Lang::En).unwrap_err();
        assert_eq!(errors[0].field, "applicant_name");
    }

    #[test]
    fn documents_are_known_by_their_content() {
        assert_eq!(
            document_kind(b"%PDF-1.7\n...\n%%EOF\n", Lang::En),
            Ok(DocumentKind::Pdf)
        );
        assert!(document_kind(b"%PDF-1.7\n... cut", Lang::En).is_err());
        assert_eq!(
            document_kind(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9], Lang::En),
            Ok(DocumentKind::Jpeg)
        );
        assert_eq!(
            document_kind(b"\x89PNG\r\n\x1a\n....IEND\xaeB`\x82", Lang::En),
            Ok(DocumentKind::Png)
        );
        assert_eq!(
            document_kind(b"MZ\x90\x00 this is an exe", Lang::En).unwrap_err(),
            "The file is not a PDF, JPEG or PNG file."
        );
        assert!(document_kind(b"", Lang::En).is_err());
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(
            document_kind(&big, Lang::En)
                .unwrap_err()
                .contains("at most 10 MB")
        );
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
