//! The words of an eligibility answer: how the owned parcel relates to the
//! lot, and what that means in the round offering it. One function,
//! [`explain`], builds the whole answer, for the pre-check; the application
//! form and the list of lots a property qualifies for use its parts.

use crate::format::feet;
use std::fmt;

use super::{Evidence, Relation, Rules, relation};
use crate::Pin;

/// The owned property, as an explanation names it.
#[derive(Debug, Clone, Copy)]
pub struct Owned<'a> {
    pub pin: &'a Pin,
    /// Its street address, when the parcel file gives one.
    pub address: Option<&'a str>,
}

impl Owned<'_> {
    /// "at ADDRESS", or "with PIN ..." when the parcel file gives no address.
    pub fn words(&self) -> String {
        self.address.map_or_else(
            || format!("with PIN {}", self.pin.dashed()),
            |a| format!("at {a}"),
        )
    }
}

/// A calendar date, as the public reads it: "March 1, 2027".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = self
            .month
            .checked_sub(1)
            .and_then(|i| MONTHS.get(i as usize))
            .copied()
            .unwrap_or("?");
        write!(f, "{month} {}, {:04}", self.day, self.year)
    }
}

/// Where the lot is offered, as the verdict speaks of it.
#[derive(Debug, Clone, Copy)]
pub enum Offering<'a> {
    /// In a round open now.
    Open,
    /// In a round not open yet.
    Upcoming {
        /// The round's name.
        round: &'a str,
        opens: Date,
    },
    /// In no round that has not closed.
    NotOffered,
}

/// The pre-check's answer for an owned parcel and a lot.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub relation: Relation,
    /// Under `rules`; 1 is the highest.
    pub priority: Option<u32>,
    /// Whether the owner may apply for the lot now.
    pub eligible: bool,
    /// Plain words: the relation, then the verdict.
    pub text: String,
}

/// The whole answer: the relation the evidence shows under `rules` (the
/// offering round's, or the defaults when none offers the lot), its
/// priority, whether that makes the owner eligible now, and the words.
pub fn explain(
    evidence: &Evidence,
    rules: &Rules,
    owned: Owned<'_>,
    offering: Offering<'_>,
) -> Explanation {
    let relation = relation(evidence, rules);
    let priority = rules.priority(relation);
    let mut text = describe(relation, evidence, &owned.words());
    text.push(' ');
    text.push_str(&match offering {
        Offering::Open => verdict(relation, rules),
        Offering::Upcoming { round, opens } => format!(
            "This lot will be offered in {round}, which opens on {opens}; {}",
            lowercase_first(&verdict(relation, rules))
        ),
        Offering::NotOffered => "This lot is not offered in any open round.".to_owned(),
    });
    Explanation {
        relation,
        priority,
        eligible: matches!(offering, Offering::Open) && priority.is_some(),
        text,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One plain sentence on how the owned parcel relates to the lot.
/// `owned` names it for the reader ("your property at 5312 W Van Buren St").
pub fn describe(relation: Relation, e: &Evidence, owned: &str) -> String {
    match relation {
        Relation::Adjacent => format!(
            "Your property {owned} shares a {} boundary with this lot.",
            feet(e.shared_boundary_m)
        ),
        Relation::AcrossAlley => format!(
            "Your property {owned} is across the alley from this lot, {} away.",
            feet(e.distance_m)
        ),
        Relation::SameBlock => format!("Your property {owned} is on the same block as this lot."),
        Relation::AcrossStreet => format!(
            "Your property {owned} is across the street from this lot, {} away.",
            feet(e.distance_m)
        ),
        Relation::Nearby => format!(
            "Your property {owned} is {} from this lot, but not on its block.",
            feet(e.distance_m)
        ),
        Relation::None => format!(
            "Your property {owned} is {} from this lot, too far to be its neighbour.",
            feet(e.distance_m)
        ),
    }
}

/// Who a relation admits under `rules`, for a page that explains a round's
/// rules: "owners of a property across the alley from the lot (up to 26 ft
/// away)". Lengths are in feet, as US English measures them.
pub fn who_may_apply(relation: Relation, rules: &Rules) -> String {
    match relation {
        Relation::Adjacent => format!(
            "owners of a property that shares a boundary with the lot (at least {})",
            feet(rules.min_shared_boundary_m)
        ),
        Relation::AcrossAlley => format!(
            "owners of a property across the alley from the lot (up to {} away)",
            feet(rules.alley_max_m)
        ),
        Relation::SameBlock => "owners of a property on the lot's block".into(),
        Relation::AcrossStreet => format!(
            "owners of a property across the street from the lot (up to {} away)",
            feet(rules.street_max_m)
        ),
        Relation::Nearby => format!(
            "owners of a property near the lot (up to {} away)",
            feet(rules.nearby_max_m)
        ),
        Relation::None => "anyone".into(),
    }
}

/// The sentence that follows it: why this makes (or does not make) the
/// applicant eligible in the round.
pub fn verdict(relation: Relation, rules: &Rules) -> String {
    let allowed: Vec<&str> = rules.eligible.iter().map(|r| relation_words(*r)).collect();
    match rules.priority(relation) {
        Some(1) => "In this round that makes you eligible, with the first priority.".into(),
        Some(p) => format!("In this round that makes you eligible, with priority {p}."),
        None => format!(
            "In this round only owners of property {} may apply.",
            join_or(&allowed)
        ),
    }
}

fn relation_words(r: Relation) -> &'static str {
    match r {
        Relation::Adjacent => "next to the lot",
        Relation::AcrossAlley => "across the alley from it",
        Relation::SameBlock => "on its block",
        Relation::AcrossStreet => "across the street from it",
        Relation::Nearby => "near it",
        Relation::None => "anywhere",
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{}, or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PinFormat;

    fn ev(shared: f64, distance: f64) -> Evidence {
        Evidence {
            shared_boundary_m: shared,
            distance_m: distance,
            parcel_between: false,
            same_block: false,
        }
    }

    #[test]
    fn explanations_are_plain_sentences() {
        let rules = Rules::default();
        let owned = "at 5312 W Van Buren St";
        assert_eq!(
            describe(Relation::Adjacent, &ev(37.96, 0.0), owned),
            "Your property at 5312 W Van Buren St shares a 125 ft boundary with this lot."
        );
        assert_eq!(
            verdict(Relation::Adjacent, &rules),
            "In this round that makes you eligible, with the first priority."
        );
        assert_eq!(
            verdict(Relation::AcrossStreet, &rules),
            "In this round only owners of property next to the lot, across the alley from it, or on its block may apply."
        );
        assert_eq!(
            describe(Relation::None, &ev(0.0, 812.4), "16-16-118-029-0000"),
            "Your property 16-16-118-029-0000 is 2,665 ft from this lot, too far to be its neighbour."
        );
    }

    #[test]
    fn the_whole_answer_follows_the_offering_round() {
        let rules = Rules::default();
        let pin = Pin::parse("16161180300000", PinFormat::Cook).unwrap();
        let at = Owned {
            pin: &pin,
            address: Some("5312 W Van Buren St"),
        };
        let open = explain(&ev(37.96, 0.0), &rules, at, Offering::Open);
        assert_eq!(open.relation, Relation::Adjacent);
        assert_eq!(open.priority, Some(1));
        assert!(open.eligible);
        assert_eq!(
            open.text,
            "Your property at 5312 W Van Buren St shares a 125 ft boundary with this lot. \
             In this round that makes you eligible, with the first priority."
        );
        let opens = Date {
            year: 2027,
            month: 3,
            day: 1,
        };
        let later = explain(
            &ev(0.0, 20.0),
            &rules,
            Owned {
                pin: &pin,
                address: None,
            },
            Offering::Upcoming {
                round: "Spring 2027",
                opens,
            },
        );
        assert!(!later.eligible);
        assert_eq!(
            later.text,
            "Your property with PIN 16-16-118-030-0000 is across the street from this lot, 66 ft away. \
             This lot will be offered in Spring 2027, which opens on March 1, 2027; \
             in this round only owners of property next to the lot, across the alley from it, or on its block may apply."
        );
        let nowhere = explain(&ev(37.96, 0.0), &rules, at, Offering::NotOffered);
        assert_eq!(nowhere.priority, Some(1));
        assert!(!nowhere.eligible);
        assert!(
            nowhere
                .text
                .ends_with(" This lot is not offered in any open round.")
        );
    }
}
