//! The words of an eligibility answer: how the owned parcel relates to the
//! lot, and what that means in the round offering it. One function,
//! [`explain`], builds the whole answer, for the pre-check; the application
//! form and the list of lots a property qualifies for use its parts.

use crate::format::feet_in;
use crate::lang::Lang;
use crate::messages::{Msg, fill, text_in};

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
    pub fn words(&self, lang: Lang) -> String {
        self.address.map_or_else(
            || fill(text_in(lang, Msg::OwnedWithPin), &[&self.pin.dashed()]),
            |a| fill(text_in(lang, Msg::OwnedAt), &[a]),
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

impl Date {
    /// In words in `lang` ([`crate::format::long_date`]).
    pub fn words(self, lang: Lang) -> String {
        crate::format::long_date(lang, self.year, self.month, self.day)
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
/// priority, whether that makes the owner eligible now, and the words, in
/// `lang`.
pub fn explain(
    evidence: &Evidence,
    rules: &Rules,
    owned: Owned<'_>,
    offering: Offering<'_>,
    lang: Lang,
) -> Explanation {
    let relation = relation(evidence, rules);
    let priority = rules.priority(relation);
    let mut text = describe(relation, evidence, &owned.words(lang), lang);
    text.push(' ');
    text.push_str(&match offering {
        Offering::Open => verdict(relation, rules, lang),
        Offering::Upcoming { round, opens } => fill(
            text_in(lang, Msg::OfferedLater),
            &[
                round,
                &opens.words(lang),
                &lowercase_first(&verdict(relation, rules, lang)),
            ],
        ),
        Offering::NotOffered => text_in(lang, Msg::OfferedNowhere).to_owned(),
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

/// One plain sentence in `lang` on how the owned parcel relates to the
/// lot. `owned` names it for the reader ("at 5312 W Van Buren St", from
/// [`Owned::words`]).
pub fn describe(relation: Relation, e: &Evidence, owned: &str, lang: Lang) -> String {
    let shared = feet_in(lang, e.shared_boundary_m);
    let distance = feet_in(lang, e.distance_m);
    let (msg, measure) = match relation {
        Relation::Adjacent => (Msg::DescAdjacent, shared),
        Relation::AcrossAlley => (Msg::DescAcrossAlley, distance),
        Relation::SameBlock => (Msg::DescSameBlock, distance),
        Relation::AcrossStreet => (Msg::DescAcrossStreet, distance),
        Relation::Nearby => (Msg::DescNearby, distance),
        Relation::None => (Msg::DescNone, distance),
    };
    fill(text_in(lang, msg), &[owned, &measure])
}

/// Who a relation admits under `rules`, in `lang`, for a page that
/// explains a round's rules: "owners of a property across the alley from
/// the lot (up to 26 ft away)". Lengths are in feet, as US English and US
/// Spanish measure them.
pub fn who_may_apply(relation: Relation, rules: &Rules, lang: Lang) -> String {
    let (msg, metres) = match relation {
        Relation::Adjacent => (Msg::WhoAdjacent, rules.min_shared_boundary_m),
        Relation::AcrossAlley => (Msg::WhoAcrossAlley, rules.alley_max_m),
        Relation::SameBlock => (Msg::WhoSameBlock, 0.0),
        Relation::AcrossStreet => (Msg::WhoAcrossStreet, rules.street_max_m),
        Relation::Nearby => (Msg::WhoNearby, rules.nearby_max_m),
        Relation::None => (Msg::WhoAnyone, 0.0),
    };
    fill(text_in(lang, msg), &[&feet_in(lang, metres)])
}

/// The sentence that follows it, in `lang`: why this makes (or does not
/// make) the applicant eligible in the round.
pub fn verdict(relation: Relation, rules: &Rules, lang: Lang) -> String {
    match rules.priority(relation) {
        Some(1) => text_in(lang, Msg::VerdictFirst).to_owned(),
        Some(p) => fill(text_in(lang, Msg::VerdictPriority), &[&p.to_string()]),
        None => {
            let allowed: Vec<&str> = rules
                .eligible
                .iter()
                .map(|r| text_in(lang, where_words(*r)))
                .collect();
            fill(text_in(lang, Msg::VerdictOnly), &[&join_or(&allowed, lang)])
        }
    }
}

fn where_words(r: Relation) -> Msg {
    match r {
        Relation::Adjacent => Msg::WhereNextTo,
        Relation::AcrossAlley => Msg::WhereAcrossAlley,
        Relation::SameBlock => Msg::WhereOnBlock,
        Relation::AcrossStreet => Msg::WhereAcrossStreet,
        Relation::Nearby => Msg::WhereNear,
        Relation::None => Msg::WhereAnywhere,
    }
}

/// "a, b, or c" in `lang`.
fn join_or(items: &[&str], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => fill(text_in(lang, Msg::JoinOr), &[&rest.join(", "), last]),
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
            describe(Relation::Adjacent, &ev(37.96, 0.0), owned, Lang::En),
            "Your property at 5312 W Van Buren St shares a 125 ft boundary with this lot."
        );
        assert_eq!(
            verdict(Relation::Adjacent, &rules, Lang::En),
            "In this round that makes you eligible, with the first priority."
        );
        assert_eq!(
            verdict(Relation::AcrossStreet, &rules, Lang::En),
            "In this round only owners of property next to the lot, across the alley from it, or on its block may apply."
        );
        assert_eq!(
            describe(
                Relation::None,
                &ev(0.0, 812.4),
                "16-16-118-029-0000",
                Lang::En
            ),
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
        let open = explain(&ev(37.96, 0.0), &rules, at, Offering::Open, Lang::En);
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
            Lang::En,
        );
        assert!(!later.eligible);
        assert_eq!(
            later.text,
            "Your property with PIN 16-16-118-030-0000 is across the street from this lot, 66 ft away. \
             This lot will be offered in Spring 2027, which opens on March 1, 2027; \
             in this round only owners of property next to the lot, across the alley from it, or on its block may apply."
        );
        let nowhere = explain(&ev(37.96, 0.0), &rules, at, Offering::NotOffered, Lang::En);
        assert_eq!(nowhere.priority, Some(1));
        assert!(!nowhere.eligible);
        assert!(
            nowhere
                .text
                .ends_with(" This lot is not offered in any open round.")
        );
    }

    #[test]
    fn the_answer_is_written_in_the_readers_language() {
        let rules = Rules::default();
        let pin = Pin::parse("16161180300000", PinFormat::Cook).unwrap();
        let at = Owned {
            pin: &pin,
            address: Some("5312 W Van Buren St"),
        };
        let open = explain(&ev(37.96, 0.0), &rules, at, Offering::Open, Lang::Es);
        assert_eq!(
            open.text,
            "Su propiedad en 5312 W Van Buren St comparte con este lote un lindero de 125 pies. \
             En esta ronda, eso le da derecho a solicitarlo, con la primera prioridad."
        );
        let later = explain(
            &ev(0.0, 20.0),
            &rules,
            Owned {
                pin: &pin,
                address: None,
            },
            Offering::Upcoming {
                round: "Primavera 2027",
                opens: Date {
                    year: 2027,
                    month: 3,
                    day: 1,
                },
            },
            Lang::Es,
        );
        assert_eq!(
            later.text,
            "Su propiedad con el PIN 16-16-118-030-0000 está al otro lado de la calle de este lote, a 66 pies. \
             Este lote se ofrecerá en Primavera 2027, que abre el 1 de marzo de 2027; \
             en esta ronda solo pueden solicitarlo los dueños de una propiedad junto al lote, al otro lado de su callejón o en su cuadra."
        );
        assert_eq!(
            who_may_apply(Relation::AcrossAlley, &rules, Lang::Es),
            "los dueños de una propiedad al otro lado del callejón del lote (a 26 pies como máximo)"
        );
    }
}
