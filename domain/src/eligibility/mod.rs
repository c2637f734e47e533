//! Who may buy a lot: the relations between an applicant's parcel and a lot,
//! a round's rules over them, and the sentence that explains the answer.
//!
//! The evidence (lengths and distances in metres) is measured by the server
//! in PostGIS; everything here is pure, so the browser and the server decide
//! the same way.

use serde::{Deserialize, Serialize};

/// How an owned parcel relates to a lot, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// They share a boundary of at least `min_shared_boundary_m`.
    Adjacent,
    /// Not adjacent, at most `alley_max_m` apart, no parcel between them.
    AcrossAlley,
    /// In the same block (see [`BlockRule`]).
    SameBlock,
    /// At most `street_max_m` apart, no parcel between them.
    AcrossStreet,
    /// At most `nearby_max_m` apart.
    Nearby,
    /// None of the above.
    None,
}

impl Relation {
    pub const ALL: [Relation; 6] = [
        Relation::Adjacent,
        Relation::AcrossAlley,
        Relation::SameBlock,
        Relation::AcrossStreet,
        Relation::Nearby,
        Relation::None,
    ];

    /// The name used in rules files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Adjacent => "adjacent",
            Relation::AcrossAlley => "across_alley",
            Relation::SameBlock => "same_block",
            Relation::AcrossStreet => "across_street",
            Relation::Nearby => "nearby",
            Relation::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What makes two parcels part of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BlockRule {
    /// Parcels connected by gaps no wider than `alley_max_m`: streets
    /// separate blocks, alleys do not.
    #[default]
    Geometric,
    /// The same tax block: the first 7 digits of a Cook County PIN.
    TaxBlock,
}

/// Two parcels closer than this (metres) touch: nothing lies between them.
pub const TOUCH_M: f64 = 0.5;

/// A round's eligibility rules. They are shown to the public with the round
/// and cannot change once it has opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The relations that make an applicant eligible, highest priority
    /// first: priority 1 is the first.
    #[serde(default = "Rules::default_eligible")]
    pub eligible: Vec<Relation>,
    #[serde(default = "Rules::default_min_shared_boundary_m")]
    pub min_shared_boundary_m: f64,
    #[serde(default = "Rules::default_alley_max_m")]
    pub alley_max_m: f64,
    #[serde(default = "Rules::default_street_max_m")]
    pub street_max_m: f64,
    #[serde(default = "Rules::default_nearby_max_m")]
    pub nearby_max_m: f64,
    /// Lots one application may ask for.
    #[serde(default = "Rules::default_max_lots")]
    pub max_lots: u32,
    #[serde(default)]
    pub block_rule: BlockRule,
}

/// One thing wrong with a set of rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleError {
    pub field: String,
    pub message: String,
}

/// Lots per application a round may allow at most.
pub const MAX_LOTS_LIMIT: u32 = 10;
/// Longest distance any rule may name: beyond this nobody is a neighbour.
pub const MAX_DISTANCE_M: f64 = 1000.0;

impl Default for Rules {
    fn default() -> Self {
        Rules {
            eligible: Self::default_eligible(),
            min_shared_boundary_m: Self::default_min_shared_boundary_m(),
            alley_max_m: Self::default_alley_max_m(),
            street_max_m: Self::default_street_max_m(),
            nearby_max_m: Self::default_nearby_max_m(),
            max_lots: Self::default_max_lots(),
            block_rule: BlockRule::default(),
        }
    }
}

impl Rules {
    fn default_eligible() -> Vec<Relation> {
        vec![
            Relation::Adjacent,
            Relation::AcrossAlley,
            Relation::SameBlock,
        ]
    }
    fn default_min_shared_boundary_m() -> f64 {
        1.0
    }
    fn default_alley_max_m() -> f64 {
        8.0
    }
    fn default_street_max_m() -> f64 {
        30.0
    }
    fn default_nearby_max_m() -> f64 {
        150.0
    }
    fn default_max_lots() -> u32 {
        2
    }

    /// Every problem with these rules, each naming its field.
    pub fn check(&self) -> Result<(), Vec<RuleError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| {
            errors.push(RuleError {
                field: field.to_owned(),
                message,
            })
        };
        if self.eligible.is_empty() {
            fail("eligible", "must name at least one relation".into());
        }
        for (i, r) in self.eligible.iter().enumerate() {
            if *r == Relation::None {
                fail("eligible", "cannot include \"none\"".into());
            }
            if self.eligible[..i].contains(r) {
                fail("eligible", format!("names \"{}\" twice", r.as_str()));
            }
        }
        let distances = [
            ("min_shared_boundary_m", self.min_shared_boundary_m),
            ("alley_max_m", self.alley_max_m),
            ("street_max_m", self.street_max_m),
            ("nearby_max_m", self.nearby_max_m),
        ];
        for (field, value) in distances {
            if !(value.is_finite() && value > 0.0 && value <= MAX_DISTANCE_M) {
                fail(
                    field,
                    format!(
                        "must be a distance in metres above 0 and at most {MAX_DISTANCE_M}, not {value}"
                    ),
                );
            }
        }
        if self.alley_max_m > self.street_max_m {
            fail(
                "alley_max_m",
                format!(
                    "({}) must not exceed street_max_m ({})",
                    self.alley_max_m, self.street_max_m
                ),
            );
        }
        if self.street_max_m > self.nearby_max_m {
            fail(
                "street_max_m",
                format!(
                    "({}) must not exceed nearby_max_m ({})",
                    self.street_max_m, self.nearby_max_m
                ),
            );
        }
        if !(1..=MAX_LOTS_LIMIT).contains(&self.max_lots) {
            fail(
                "max_lots",
                format!(
                    "must be between 1 and {MAX_LOTS_LIMIT}, not {}",
                    self.max_lots
                ),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The priority of a relation (1 is the highest), or `None` when it
    /// does not make an applicant eligible.
    pub fn priority(&self, relation: Relation) -> Option<u32> {
        self.eligible
            .iter()
            .position(|r| *r == relation)
            .and_then(|i| u32::try_from(i + 1).ok())
    }

    /// The farthest apart (metres) an owned parcel and a lot can be and
    /// still qualify under these rules: where to look for the lots a
    /// property qualifies for. A block is never longer than
    /// [`MAX_DISTANCE_M`], nor is anyone a neighbour beyond it.
    pub fn reach_m(&self) -> f64 {
        self.eligible
            .iter()
            .map(|r| match r {
                Relation::Adjacent => TOUCH_M,
                Relation::AcrossAlley => self.alley_max_m,
                Relation::AcrossStreet => self.street_max_m,
                Relation::Nearby => self.nearby_max_m,
                Relation::SameBlock | Relation::None => MAX_DISTANCE_M,
            })
            .fold(0.0, f64::max)
    }
}

/// What PostGIS measured between an owned parcel and a lot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Length of the boundary they share, in metres.
    pub shared_boundary_m: f64,
    /// Shortest distance between them, in metres.
    pub distance_m: f64,
    /// Whether another parcel lies on the shortest line between them.
    pub parcel_between: bool,
    /// Whether they are in the same block, by the round's block rule.
    pub same_block: bool,
}

/// The strongest relation the evidence shows under `rules`' distances.
pub fn relation(e: &Evidence, rules: &Rules) -> Relation {
    let apart = e.distance_m >= TOUCH_M;
    if e.shared_boundary_m >= rules.min_shared_boundary_m {
        Relation::Adjacent
    } else if apart && e.distance_m <= rules.alley_max_m && !e.parcel_between {
        Relation::AcrossAlley
    } else if e.same_block {
        Relation::SameBlock
    } else if apart && e.distance_m <= rules.street_max_m && !e.parcel_between {
        Relation::AcrossStreet
    } else if e.distance_m <= rules.nearby_max_m {
        Relation::Nearby
    } else {
        Relation::None
    }
}

mod explain;

pub use explain::{Date, Explanation, Offering, Owned, describe, explain, verdict, who_may_apply};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_is_the_farthest_eligible_relation() {
        let rules = |eligible: Vec<Relation>| Rules {
            eligible,
            ..Rules::default()
        };
        assert_eq!(rules(vec![Relation::Adjacent]).reach_m(), TOUCH_M);
        assert_eq!(
            rules(vec![Relation::Adjacent, Relation::AcrossAlley]).reach_m(),
            8.0
        );
        assert_eq!(
            rules(vec![Relation::AcrossStreet, Relation::Adjacent]).reach_m(),
            30.0
        );
        assert_eq!(rules(vec![Relation::Nearby]).reach_m(), 150.0);
        assert_eq!(
            rules(vec![Relation::Adjacent, Relation::SameBlock]).reach_m(),
            MAX_DISTANCE_M
        );
        assert_eq!(rules(vec![]).reach_m(), 0.0);
    }

    fn ev(shared: f64, distance: f64) -> Evidence {
        Evidence {
            shared_boundary_m: shared,
            distance_m: distance,
            parcel_between: false,
            same_block: false,
        }
    }

    #[test]
    fn the_strongest_relation_wins() {
        let rules = Rules::default();
        assert_eq!(relation(&ev(38.0, 0.0), &rules), Relation::Adjacent);
        // A corner touch is not adjacency, nor across an alley.
        assert_eq!(relation(&ev(0.2, 0.0), &rules), Relation::Nearby);
        let corner = Evidence {
            same_block: true,
            ..ev(0.2, 0.0)
        };
        assert_eq!(relation(&corner, &rules), Relation::SameBlock);
        assert_eq!(relation(&ev(0.0, 5.1), &rules), Relation::AcrossAlley);
        let blocked = Evidence {
            parcel_between: true,
            ..ev(0.0, 5.1)
        };
        assert_eq!(relation(&blocked, &rules), Relation::Nearby);
        assert_eq!(relation(&ev(0.0, 20.0), &rules), Relation::AcrossStreet);
        assert_eq!(relation(&ev(0.0, 120.0), &rules), Relation::Nearby);
        assert_eq!(relation(&ev(0.0, 150.1), &rules), Relation::None);
    }

    #[test]
    fn thresholds_come_from_the_rules() {
        let rules = Rules {
            min_shared_boundary_m: 5.0,
            alley_max_m: 4.0,
            ..Rules::default()
        };
        assert_eq!(relation(&ev(3.0, 0.0), &rules), Relation::Nearby);
        assert_eq!(relation(&ev(0.0, 5.1), &rules), Relation::AcrossStreet);
    }

    #[test]
    fn priority_is_the_order_of_the_eligible_relations() {
        let rules = Rules::default();
        assert_eq!(rules.priority(Relation::Adjacent), Some(1));
        assert_eq!(rules.priority(Relation::SameBlock), Some(3));
        assert_eq!(rules.priority(Relation::AcrossStreet), None);
    }

    #[test]
    fn bad_rules_are_named_field_by_field() {
        let rules = Rules {
            eligible: vec![Relation::Adjacent, Relation::None, Relation::Adjacent],
            alley_max_m: 40.0,
            nearby_max_m: f64::NAN,
            max_lots: 0,
            ..Rules::default()
        };
        let errors = rules.check().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "eligible",
                "eligible",
                "nearby_max_m",
                "alley_max_m",
                "max_lots"
            ]
        );
        assert!(Rules::default().check().is_ok());
        assert!(
            Rules {
                eligible: vec![],
                ..Rules::default()
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn rules_read_from_json_with_defaults_and_no_unknown_fields() {
        let rules: Rules =
            serde_json::from_str(r#"{"eligible": ["adjacent", "same_block"], "max_lots": 1}"#)
                .unwrap();
        assert_eq!(rules.eligible, [Relation::Adjacent, Relation::SameBlock]);
        assert_eq!(rules.alley_max_m, 8.0);
        assert_eq!(rules.block_rule, BlockRule::Geometric);
        assert!(serde_json::from_str::<Rules>(r#"{"max_lot": 1}"#).is_err());
        assert!(serde_json::from_str::<Rules>(r#"{"eligible": ["beside"]}"#).is_err());
    }
}
