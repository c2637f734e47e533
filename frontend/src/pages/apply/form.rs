//! The application form's steps and what stops the reader on each, in
//! plain Rust: which step holds which field, every problem the browser can
//! see (the `domain` rules the server applies, the round's lot limit, the
//! deed), and where Next and Send take the reader.

use sidelot_domain::PinFormat;
use sidelot_domain::application::{ApplicationForm, FieldError, MAX_DOCUMENT_BYTES};
use sidelot_domain::eligibility::MAX_LOTS_LIMIT;

use crate::messages::Msg;
use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{fill, text_in};

/// The steps: their title and the fields they hold.
pub const STEPS: [(Msg, &[&str]); 4] = [
    (Msg::StepLots, &["owned", "lots"]),
    (
        Msg::StepYou,
        &["applicant_name", "email", "phone", "mailing_address"],
    ),
    (Msg::StepPlans, &["planned_use", "planned_use_details"]),
    (
        Msg::StepProof,
        &["deed", "attests_ownership", "attests_taxes"],
    ),
];

/// The step holding `field` (the first for a field no step names).
pub fn step_of(field: &str) -> usize {
    STEPS
        .iter()
        .position(|(_, fields)| fields.contains(&field))
        .unwrap_or(0)
}

/// Is `step` the last, the one that sends?
pub fn is_last(step: usize) -> bool {
    step + 1 >= STEPS.len()
}

/// Every problem the browser can see, across all steps: the form under the
/// server's rules, more lots than the round allows (`max_lots`), and the
/// deed (`deed_size` in bytes, `None` when no file is chosen).
pub fn problems(
    form: &ApplicationForm,
    max_lots: u32,
    deed_size: Option<f64>,
    lang: Lang,
) -> Vec<FieldError> {
    let mut found = form
        .check(MAX_LOTS_LIMIT, PinFormat::Any, lang)
        .err()
        .unwrap_or_default();
    if form.lots.len() > max_lots as usize {
        found.push(FieldError::new(
            "lots",
            fill(
                text_in(lang, Msg::ErrTooManyLots),
                &[&max_lots.to_string(), &form.lots.len().to_string()],
            ),
        ));
    }
    match deed_size {
        None => found.push(FieldError::new("deed", text_in(lang, Msg::DeedRequired))),
        Some(size) if size > MAX_DOCUMENT_BYTES as f64 => found.push(FieldError::new(
            "deed",
            text_in(lang, Msg::DeedUploadTooLarge),
        )),
        Some(_) => {}
    }
    found
}

/// Next, from `step`: the step after it, or the problems that keep the
/// reader on it (those of its own fields only).
pub fn next(step: usize, problems: Vec<FieldError>) -> Result<usize, Vec<FieldError>> {
    let here = STEPS[step].1;
    let found: Vec<FieldError> = problems
        .into_iter()
        .filter(|e| here.contains(&e.field.as_str()))
        .collect();
    if found.is_empty() {
        Ok(step + 1)
    } else {
        Err(found)
    }
}

/// Where to show `errors` (from the browser's check or the server's
/// refusal): the step of the first, or `None` when there are none.
pub fn step_to_show(errors: &[FieldError]) -> Option<usize> {
    errors.first().map(|e| step_of(&e.field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> ApplicationForm {
        ApplicationForm {
            applicant_name: "Ada Neighbour".into(),
            email: "ada@example.org".into(),
            phone: String::new(),
            mailing_address: "5312 W Van Buren St, Chicago IL 60644".into(),
            owned: "16162142330000".into(),
            lots: vec!["16162142340000".into()],
            planned_use: "garden".into(),
            planned_use_details: String::new(),
            attests_ownership: true,
            attests_taxes: true,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn every_field_the_server_names_belongs_to_a_step() {
        for field in [
            "owned",
            "lots",
            "applicant_name",
            "email",
            "phone",
            "mailing_address",
            "planned_use",
            "planned_use_details",
            "deed",
            "attests_ownership",
            "attests_taxes",
        ] {
            let step = step_of(field);
            assert!(STEPS[step].1.contains(&field), "{field}");
        }
        assert_eq!(step_of("email"), 1);
        assert_eq!(step_of("deed"), 3);
        assert!(is_last(3) && !is_last(2));
    }

    #[test]
    fn a_filled_form_with_a_deed_has_no_problem() {
        assert_eq!(problems(&filled(), 1, Some(1000.0), Lang::En), Vec::new());
    }

    #[test]
    fn the_deed_is_required_and_at_most_ten_megabytes() {
        assert_eq!(fields(&problems(&filled(), 1, None, Lang::En)), ["deed"]);
        let big = (MAX_DOCUMENT_BYTES + 1) as f64;
        let found = problems(&filled(), 1, Some(big), Lang::En);
        assert_eq!(found[0].message, "The file is larger than 10 MB.");
    }

    #[test]
    fn more_lots_than_the_round_allows_is_a_problem_of_the_lots() {
        let mut form = filled();
        form.lots.push("16162142350000".into());
        let found = problems(&form, 1, Some(1.0), Lang::En);
        assert_eq!(fields(&found), ["lots"]);
        assert_eq!(
            found[0].message,
            "This round allows at most 1 lots per application, not 2."
        );
        assert_eq!(problems(&form, 2, Some(1.0), Lang::En), Vec::new());
    }

    #[test]
    fn next_stops_only_on_the_problems_of_the_step_shown() {
        let mut form = filled();
        form.email = "not an email".into();
        // The missing deed (step 4) does not stop step 1; the email stops step 2.
        assert_eq!(next(0, problems(&form, 1, None, Lang::En)), Ok(1));
        let stopped = next(1, problems(&form, 1, None, Lang::En)).unwrap_err();
        assert_eq!(fields(&stopped), ["email"]);
    }

    #[test]
    fn errors_are_shown_on_the_step_of_the_first() {
        let mut form = filled();
        form.applicant_name = String::new();
        let found = problems(&form, 1, None, Lang::En);
        assert_eq!(fields(&found), ["applicant_name", "deed"]);
        assert_eq!(step_to_show(&found), Some(1));
        assert_eq!(step_to_show(&[]), None);
    }
}
