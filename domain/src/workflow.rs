//! The review workflow as data: the states a requested lot goes through,
//! the actions staff take, and which action leads from which state to
//! which.
//!
//! Each lot of an application moves on its own (one lot may be sold while
//! another is denied). The server looks every action up in [`TRANSITIONS`];
//! nothing else decides what is allowed.

use crate::lang::Lang;
use crate::messages::{Msg, fill, text_in};
use serde::{Deserialize, Deserializer, Serialize};

/// Where a requested lot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LotState {
    Submitted,
    Screening,
    OwnershipReview,
    LocationReview,
    LotteryPending,
    DisclosurePending,
    CouncilApproval,
    Closing,
    Sold,
    Denied,
    Withdrawn,
}

impl LotState {
    pub const ALL: [LotState; 11] = [
        LotState::Submitted,
        LotState::Screening,
        LotState::OwnershipReview,
        LotState::LocationReview,
        LotState::LotteryPending,
        LotState::DisclosurePending,
        LotState::CouncilApproval,
        LotState::Closing,
        LotState::Sold,
        LotState::Denied,
        LotState::Withdrawn,
    ];

    /// The name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            LotState::Submitted => "submitted",
            LotState::Screening => "screening",
            LotState::OwnershipReview => "ownership_review",
            LotState::LocationReview => "location_review",
            LotState::LotteryPending => "lottery_pending",
            LotState::DisclosurePending => "disclosure_pending",
            LotState::CouncilApproval => "council_approval",
            LotState::Closing => "closing",
            LotState::Sold => "sold",
            LotState::Denied => "denied",
            LotState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<LotState> {
        LotState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Still being worked on: not sold, denied or withdrawn.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            LotState::Sold | LotState::Denied | LotState::Withdrawn
        )
    }

    /// The lot is promised to this application. The database lets at most
    /// one application of a lot be in these states (a partial unique
    /// index on exactly this list, see the staff migration).
    pub fn is_awarded(self) -> bool {
        matches!(
            self,
            LotState::DisclosurePending
                | LotState::CouncilApproval
                | LotState::Closing
                | LotState::Sold
        )
    }

    /// A short label, in English (staff screens).
    pub fn label(self) -> &'static str {
        self.label_in(Lang::En)
    }

    /// A short label in `lang`.
    pub fn label_in(self, lang: Lang) -> &'static str {
        text_in(
            lang,
            match self {
                LotState::Submitted => Msg::StateSubmitted,
                LotState::Screening => Msg::StateScreening,
                LotState::OwnershipReview => Msg::StateOwnershipReview,
                LotState::LocationReview => Msg::StateLocationReview,
                LotState::LotteryPending => Msg::StateLotteryPending,
                LotState::DisclosurePending => Msg::StateDisclosurePending,
                LotState::CouncilApproval => Msg::StateCouncilApproval,
                LotState::Closing => Msg::StateClosing,
                LotState::Sold => Msg::StateSold,
                LotState::Denied => Msg::StateDenied,
                LotState::Withdrawn => Msg::StateWithdrawn,
            },
        )
    }

    /// What the applicant reads about this state, in plain English.
    pub fn plain(self) -> &'static str {
        self.plain_in(Lang::En)
    }

    /// What the applicant reads about this state, in plain words in `lang`.
    pub fn plain_in(self, lang: Lang) -> &'static str {
        text_in(
            lang,
            match self {
                LotState::Submitted => Msg::PlainSubmitted,
                LotState::Screening => Msg::PlainScreening,
                LotState::OwnershipReview => Msg::PlainOwnershipReview,
                LotState::LocationReview => Msg::PlainLocationReview,
                LotState::LotteryPending => Msg::PlainLotteryPending,
                LotState::DisclosurePending => Msg::PlainDisclosurePending,
                LotState::CouncilApproval => Msg::PlainCouncilApproval,
                LotState::Closing => Msg::PlainClosing,
                LotState::Sold => Msg::PlainSold,
                LotState::Denied => Msg::PlainDenied,
                LotState::Withdrawn => Msg::PlainWithdrawn,
            },
        )
    }
}

impl LotState {
    /// What the applicant reads about this state, knowing their place in the
    /// lot's lottery (`rank` of `of`) once it is drawn: below rank 1 the lot
    /// waits in `LotteryPending`, and "a public lottery will decide" is no
    /// longer true. In English; [`LotState::plain_in_line_in`] in any language.
    pub fn plain_in_line(self, rank: Option<u32>, of: u32) -> String {
        self.plain_in_line_in(Lang::En, rank, of)
    }

    pub fn plain_in_line_in(self, lang: Lang, rank: Option<u32>, of: u32) -> String {
        match (self, rank) {
            (LotState::LotteryPending, Some(rank)) if rank > 1 => {
                let ahead = if rank == 2 {
                    text_in(lang, Msg::AheadOne).to_owned()
                } else {
                    fill(text_in(lang, Msg::AheadMany), &[&(rank - 1).to_string()])
                };
                fill(
                    text_in(lang, Msg::InLine),
                    &[&rank.to_string(), &of.to_string(), &ahead],
                )
            }
            _ => self.plain_in(lang).to_owned(),
        }
    }
}

impl std::fmt::Display for LotState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What staff (or the system) do to a requested lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    StartScreening,
    PassScreening,
    PassOwnership,
    /// Location review passed: the lot is awarded, or goes to the lottery
    /// when others with the same priority want it.
    PassLocation,
    /// From the lottery queue, when no one with the same priority is left.
    Award,
    ReceiveDisclosure,
    RecordCouncilApproval,
    RecordSale,
    Deny,
    Withdraw,
    /// Undo the latest step: back to the state the lot was in before it.
    Revert,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::StartScreening,
        Action::PassScreening,
        Action::PassOwnership,
        Action::PassLocation,
        Action::Award,
        Action::ReceiveDisclosure,
        Action::RecordCouncilApproval,
        Action::RecordSale,
        Action::Deny,
        Action::Withdraw,
        Action::Revert,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::StartScreening => "start_screening",
            Action::PassScreening => "pass_screening",
            Action::PassOwnership => "pass_ownership",
            Action::PassLocation => "pass_location",
            Action::Award => "award",
            Action::ReceiveDisclosure => "receive_disclosure",
            Action::RecordCouncilApproval => "record_council_approval",
            Action::RecordSale => "record_sale",
            Action::Deny => "deny",
            Action::Withdraw => "withdraw",
            Action::Revert => "revert",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Action::StartScreening => "Start screening",
            Action::PassScreening => "Complete: to ownership review",
            Action::PassOwnership => "Ownership verified",
            Action::PassLocation => "Location verified",
            Action::Award => "Award (no longer contested)",
            Action::ReceiveDisclosure => "Disclosure received",
            Action::RecordCouncilApproval => "Council approved",
            Action::RecordSale => "Sale closed",
            Action::Deny => "Deny…",
            Action::Withdraw => "Record withdrawal…",
            Action::Revert => "Undo last step…",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    State(LotState),
    /// Decided by the other applications for the same lot: see [`contest`].
    Contest,
    /// The state before the lot's latest transition (from its history).
    Previous,
}

/// What an action must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Nothing; a note is optional.
    None,
    /// A code from the denial reason catalogue, which the applicant reads.
    Catalogue,
    /// A note saying why (staff only).
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub action: Action,
    pub from: &'static [LotState],
    pub to: Target,
    pub reason: Reason,
}

const OPEN: &[LotState] = &[
    LotState::Submitted,
    LotState::Screening,
    LotState::OwnershipReview,
    LotState::LocationReview,
    LotState::LotteryPending,
    LotState::DisclosurePending,
    LotState::CouncilApproval,
    LotState::Closing,
];

const REVERTIBLE: &[LotState] = &[
    LotState::Screening,
    LotState::OwnershipReview,
    LotState::LocationReview,
    LotState::LotteryPending,
    LotState::DisclosurePending,
    LotState::CouncilApproval,
    LotState::Closing,
    LotState::Sold,
    LotState::Denied,
    LotState::Withdrawn,
];

/// Every allowed transition. Anything not listed is refused.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        action: Action::StartScreening,
        from: &[LotState::Submitted],
        to: Target::State(LotState::Screening),
        reason: Reason::None,
    },
    Transition {
        action: Action::PassScreening,
        from: &[LotState::Screening],
        to: Target::State(LotState::OwnershipReview),
        reason: Reason::None,
    },
    Transition {
        action: Action::PassOwnership,
        from: &[LotState::OwnershipReview],
        to: Target::State(LotState::LocationReview),
        reason: Reason::None,
    },
    Transition {
        action: Action::PassLocation,
        from: &[LotState::LocationReview],
        to: Target::Contest,
        reason: Reason::None,
    },
    Transition {
        action: Action::Award,
        from: &[LotState::LotteryPending],
        to: Target::Contest,
        reason: Reason::None,
    },
    Transition {
        action: Action::ReceiveDisclosure,
        from: &[LotState::DisclosurePending],
        to: Target::State(LotState::CouncilApproval),
        reason: Reason::None,
    },
    Transition {
        action: Action::RecordCouncilApproval,
        from: &[LotState::CouncilApproval],
        to: Target::State(LotState::Closing),
        reason: Reason::None,
    },
    Transition {
        action: Action::RecordSale,
        from: &[LotState::Closing],
        to: Target::State(LotState::Sold),
        reason: Reason::None,
    },
    Transition {
        action: Action::Deny,
        from: OPEN,
        to: Target::State(LotState::Denied),
        reason: Reason::Catalogue,
    },
    Transition {
        action: Action::Withdraw,
        from: OPEN,
        to: Target::State(LotState::Withdrawn),
        reason: Reason::Note,
    },
    Transition {
        action: Action::Revert,
        from: REVERTIBLE,
        to: Target::Previous,
        reason: Reason::Note,
    },
];

/// The transition `action` makes from `from`, if it is allowed.
pub fn transition(from: LotState, action: Action) -> Option<&'static Transition> {
    TRANSITIONS
        .iter()
        .find(|t| t.action == action && t.from.contains(&from))
}

/// The actions allowed from `from`, in the table's order.
pub fn actions_from(from: LotState) -> Vec<Action> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from.contains(&from))
        .map(|t| t.action)
        .collect()
}

/// Another application for the same lot, as the contest sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rival {
    pub state: LotState,
    pub priority: u32,
}

/// Where a lot with this `priority` goes when its location review passes,
/// given the other applications for the same lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contest {
    /// No one ahead or level: the lot is set aside for this application.
    Award,
    /// Others with the same priority: the lottery decides.
    Lottery,
    /// Someone with a higher priority (a smaller number) still wants it.
    Outranked { by_priority: u32 },
    /// Another application already holds the award.
    Taken,
}

pub fn contest(priority: u32, rivals: &[Rival]) -> Contest {
    let live = || {
        rivals
            .iter()
            .filter(|r| r.state.is_open() || r.state == LotState::Sold)
    };
    if live().any(|r| r.state.is_awarded()) {
        return Contest::Taken;
    }
    if let Some(best) = live().map(|r| r.priority).min() {
        if best < priority {
            return Contest::Outranked { by_priority: best };
        }
        if best == priority {
            return Contest::Lottery;
        }
    }
    Contest::Award
}

impl Contest {
    /// Why an award cannot be made now, in words; none when it can.
    pub fn why_not_award(self) -> Option<String> {
        match self {
            Contest::Award => None,
            Contest::Lottery => Some(
                "Other neighbours with the same priority still want this lot: the public lottery decides."
                    .into(),
            ),
            Contest::Outranked { by_priority } => Some(format!(
                "A neighbour with a higher priority ({by_priority}) still wants this lot."
            )),
            Contest::Taken => Some("Another application holds this lot's award.".into()),
        }
    }
}

/// An action that the table allows from a state but that cannot succeed
/// now, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unavailable {
    pub action: Action,
    pub reason: String,
}

/// The actions that can succeed now from `from`, given where the lot's
/// contest stands (`contest`: the lot's priority against its rivals), and
/// those the table allows but that would be refused, with the reason.
pub fn offers(from: LotState, contest: Contest) -> (Vec<Action>, Vec<Unavailable>) {
    let mut can = Vec::new();
    let mut cannot = Vec::new();
    for action in actions_from(from) {
        match (action, contest.why_not_award()) {
            (Action::Award, Some(reason)) => cannot.push(Unavailable { action, reason }),
            _ => can.push(action),
        }
    }
    (can, cannot)
}

/// Staff roles. An admin may do everything; the others only their own work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works applications.
    Reviewer,
    /// Rounds, users, the reason catalogue, the lottery.
    Admin,
    /// Imports parcels and lot inventories.
    Analyst,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Reviewer, Role::Admin, Role::Analyst];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
            Role::Analyst => "analyst",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May someone with this role use what `needed` guards?
    pub fn may(self, needed: Role) -> bool {
        self == Role::Admin || self == needed
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Read from JSON and query strings by name (surrounding spaces ignored),
/// so a wrong name is refused at the edge with the names that work.
macro_rules! parsed_by_name {
    ($t:ident, $what:literal, $hint:expr) => {
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $t::parse(raw.trim()).ok_or_else(|| {
                    serde::de::Error::custom(format!("{raw:?} is not {}; use {}", $what, $hint))
                })
            }
        }
    };
}

parsed_by_name!(
    LotState,
    "a state",
    format!("one of {}", LotState::ALL.map(LotState::as_str).join(", "))
);
parsed_by_name!(
    Action,
    "an action",
    format!("one of {}", Action::ALL.map(Action::as_str).join(", "))
);
parsed_by_name!(Role, "a role", "reviewer, admin or analyst");

#[cfg(test)]
mod tests {

    #[test]
    fn an_award_is_offered_only_when_it_can_be_made() {
        let (can, cannot) = offers(LotState::LotteryPending, Contest::Lottery);
        assert!(!can.contains(&Action::Award));
        assert_eq!(cannot.len(), 1);
        assert_eq!(cannot[0].action, Action::Award);
        assert!(cannot[0].reason.contains("the public lottery decides"));
        assert!(can.contains(&Action::Deny), "the rest stays offered");
        let (can, cannot) = offers(LotState::LotteryPending, Contest::Award);
        assert!(can.contains(&Action::Award) && cannot.is_empty());
        let (_, cannot) = offers(
            LotState::LotteryPending,
            Contest::Outranked { by_priority: 1 },
        );
        assert!(cannot[0].reason.contains("higher priority (1)"));
    }

    use super::*;

    #[test]
    fn after_the_draw_the_neighbours_in_line_read_their_place() {
        let second = LotState::LotteryPending.plain_in_line(Some(2), 3);
        assert_eq!(
            second,
            "The public lottery was drawn: you are number 2 of 3 in line. The lot is offered \
             to number 1 first. If the neighbour ahead of you drops out, it is offered to you \
             without a new draw, and we will write to you."
        );
        assert!(!second.contains("will decide"));
        assert!(
            LotState::LotteryPending
                .plain_in_line(Some(3), 3)
                .contains("If the 2 neighbours ahead of you drop out")
        );
        // Before the draw, and for every other state, the plain words.
        assert_eq!(
            LotState::LotteryPending.plain_in_line(None, 3),
            LotState::LotteryPending.plain()
        );
        assert_eq!(
            LotState::DisclosurePending.plain_in_line(Some(1), 3),
            LotState::DisclosurePending.plain()
        );
    }

    #[test]
    fn names_round_trip() {
        for s in LotState::ALL {
            assert_eq!(LotState::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap_or_default(),
                serde_json::Value::String(s.as_str().into())
            );
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert_eq!(
                serde_json::to_value(a).unwrap_or_default(),
                serde_json::Value::String(a.as_str().into())
            );
        }
        assert_eq!(LotState::parse("approved"), None);
        for r in Role::ALL {
            let json = serde_json::Value::String(format!(" {} ", r.as_str()));
            assert_eq!(serde_json::from_value::<Role>(json).ok(), Some(r));
        }
        let wrong = serde_json::from_value::<Action>("approve".into())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            wrong.starts_with("\"approve\" is not an action; use one of start_screening,"),
            "{wrong}"
        );
    }

    #[test]
    fn the_forward_path_reaches_sold_and_nothing_leaves_it_but_revert() {
        let mut state = LotState::Submitted;
        for action in [
            Action::StartScreening,
            Action::PassScreening,
            Action::PassOwnership,
        ] {
            match transition(state, action).map(|t| t.to) {
                Some(Target::State(next)) => state = next,
                other => panic!("{action} from {state}: {other:?}"),
            }
        }
        assert_eq!(state, LotState::LocationReview);
        assert_eq!(
            transition(state, Action::PassLocation).map(|t| t.to),
            Some(Target::Contest)
        );
        assert_eq!(actions_from(LotState::Sold), vec![Action::Revert]);
        assert!(transition(LotState::Sold, Action::Deny).is_none());
        assert!(transition(LotState::Submitted, Action::Revert).is_none());
        assert!(transition(LotState::Submitted, Action::RecordSale).is_none());
        // Every open state can be denied or withdrawn; no closed one can.
        for s in LotState::ALL {
            assert_eq!(transition(s, Action::Deny).is_some(), s.is_open(), "{s}");
            assert_eq!(
                transition(s, Action::Withdraw).is_some(),
                s.is_open(),
                "{s}"
            );
        }
    }

    #[test]
    fn reasons_are_demanded_where_an_applicant_or_an_auditor_needs_one() {
        let reason = |a| TRANSITIONS.iter().find(|t| t.action == a).map(|t| t.reason);
        assert_eq!(reason(Action::Deny), Some(Reason::Catalogue));
        assert_eq!(reason(Action::Revert), Some(Reason::Note));
        assert_eq!(reason(Action::Withdraw), Some(Reason::Note));
        assert_eq!(reason(Action::PassOwnership), Some(Reason::None));
    }

    #[test]
    fn the_contest_follows_priority_then_the_lottery() {
        let rival = |state, priority| Rival { state, priority };
        assert_eq!(contest(1, &[]), Contest::Award);
        assert_eq!(
            contest(2, &[rival(LotState::Submitted, 1)]),
            Contest::Outranked { by_priority: 1 }
        );
        assert_eq!(contest(1, &[rival(LotState::Screening, 2)]), Contest::Award);
        assert_eq!(
            contest(1, &[rival(LotState::LocationReview, 1)]),
            Contest::Lottery
        );
        // The denied and the withdrawn no longer compete.
        assert_eq!(
            contest(
                2,
                &[rival(LotState::Denied, 1), rival(LotState::Withdrawn, 2)]
            ),
            Contest::Award
        );
        assert_eq!(contest(1, &[rival(LotState::Sold, 3)]), Contest::Taken);
        assert_eq!(
            contest(1, &[rival(LotState::DisclosurePending, 2)]),
            Contest::Taken
        );
    }

    #[test]
    fn admins_may_do_everything_others_their_own_work() {
        assert!(Role::Admin.may(Role::Reviewer));
        assert!(Role::Admin.may(Role::Analyst));
        assert!(Role::Reviewer.may(Role::Reviewer));
        assert!(!Role::Reviewer.may(Role::Admin));
        assert!(!Role::Analyst.may(Role::Reviewer));
        assert!(!Role::Reviewer.may(Role::Analyst));
    }
}

#[cfg(test)]
mod docs {
    use super::*;

    /// docs/staff.md describes every action and state the table has.
    #[test]
    fn the_staff_guide_names_every_action_and_state() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/staff.md");
        let Ok(guide) = std::fs::read_to_string(&path) else {
            panic!("{} is missing", path.display());
        };
        for a in Action::ALL {
            assert!(
                guide.contains(&format!("| `{a}` |")),
                "docs/staff.md lacks the action {a}"
            );
        }
        for s in LotState::ALL {
            assert!(
                guide.contains(s.as_str()),
                "docs/staff.md lacks the state {s}"
            );
        }
    }
}
