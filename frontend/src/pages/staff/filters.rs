//! The review queue's filters as its URL carries them (`/staff?state=...`),
//! so that every view of the queue can be bookmarked, shared and reloaded.
//! The filters are the domain's [`QueueFilter`], the same type the server
//! reads `GET /api/staff/queue` into: read from the page's query string by
//! the same rules, written back for the page's links and for the API, and
//! turned into a bulk action on what they select.

use sidelot_domain::api::{BulkRequest, QueueFilter};
use sidelot_domain::workflow::{Action, LotState};

use crate::messages::{S, fill, s};

/// Reads a query string, with or without its `?`. A wrong value (an unknown
/// state, a flag that is not yes or no) is refused with the message the
/// server would give, naming the parameter.
pub fn parse(query: &str) -> Result<QueueFilter, String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    serde_urlencoded::from_str(query).map_err(|e| fill(s(S::ThisQueueLinkIsNot), &[&e.to_string()]))
}

/// Links and requests made from a [`QueueFilter`].
pub trait QueueLinks {
    /// The query string (without `?` and without the cursor), with `state`
    /// replaced when given.
    fn query(&self, state: Option<LotState>) -> String;
    /// The queue under these filters but in `state`.
    fn state_href(&self, state: LotState) -> String;
    /// The first page under these filters.
    fn first_page_href(&self) -> String;
    /// The page after this one, `next` being the answer's cursor.
    fn next_page_href(&self, next: &str) -> String;
    /// `action` (with its reason or note, blank for none) on every
    /// requested lot these filters select; none without a state to start from.
    fn bulk(&self, action: Action, reason_code: &str, note: &str) -> Option<BulkRequest>;
}

/// The query string of `f`, cursor included: what `GET /api/staff/queue` is asked.
fn encode(f: &QueueFilter) -> String {
    crate::api::staff::queue_query(f)
}

impl QueueLinks for QueueFilter {
    fn query(&self, state: Option<LotState>) -> String {
        encode(&QueueFilter {
            state: state.or(self.state),
            after: None,
            ..self.clone()
        })
    }

    fn state_href(&self, state: LotState) -> String {
        format!("/staff?{}", self.query(Some(state)))
    }

    fn first_page_href(&self) -> String {
        format!("/staff?{}", self.query(None))
    }

    fn next_page_href(&self, next: &str) -> String {
        format!(
            "/staff?{}",
            encode(&QueueFilter {
                after: Some(next.to_owned()),
                ..self.clone()
            })
        )
    }

    fn bulk(&self, action: Action, reason_code: &str, note: &str) -> Option<BulkRequest> {
        Some(BulkRequest {
            round: self.round.clone(),
            state: self.state?,
            lot: self.lot.clone(),
            ward: self.ward.clone(),
            owner: self.owner,
            action,
            reason_code: (!reason_code.is_empty()).then(|| reason_code.to_owned()),
            note: (!note.trim().is_empty()).then(|| note.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidelot_domain::api::QueueSort;

    #[test]
    fn the_filters_come_from_the_query_decoded_and_trimmed() {
        let f = parse(
            "?round=spring-2027&state=submitted&lot=16-16-214&ward=+29+&contested=true&unconfirmed=no&after=abc%3D",
        )
        .unwrap();
        assert_eq!(f.round.as_deref(), Some("spring-2027"));
        assert_eq!(f.state, Some(LotState::Submitted));
        assert_eq!(f.lot.as_deref(), Some("16-16-214"));
        assert_eq!(f.ward.as_deref(), Some("29"));
        assert_eq!(f.contested, Some(true));
        assert_eq!(f.unconfirmed, Some(false));
        assert_eq!(f.after.as_deref(), Some("abc="));
        assert_eq!(parse("").unwrap(), QueueFilter::default());
        assert_eq!(parse("?state=&ward=").unwrap(), QueueFilter::default());
    }

    #[test]
    fn a_wrong_value_is_refused_naming_what_is_wrong() {
        let e = parse("state=lost").unwrap_err();
        assert!(e.contains("\"lost\" is not a state"), "{e}");
        assert!(parse("contested=maybe").unwrap_err().contains("maybe"));
    }

    #[test]
    fn links_keep_every_filter_and_replace_the_state_when_asked() {
        let f = parse("unconfirmed=true&sort=newest&code=AB%20C&state=submitted&round=r1&after=x")
            .unwrap();
        assert_eq!(
            f.query(None),
            "round=r1&state=submitted&unconfirmed=true&code=AB+C&sort=newest"
        );
        assert_eq!(
            f.state_href(LotState::Denied),
            "/staff?round=r1&state=denied&unconfirmed=true&code=AB+C&sort=newest"
        );
        assert_eq!(
            f.first_page_href(),
            "/staff?round=r1&state=submitted&unconfirmed=true&code=AB+C&sort=newest"
        );
        assert_eq!(
            f.next_page_href("2027-03-02T15:04:05Z/12"),
            "/staff?round=r1&state=submitted&unconfirmed=true&code=AB+C&sort=newest&after=2027-03-02T15%3A04%3A05Z%2F12"
        );
        assert_eq!(
            encode(&f),
            "round=r1&state=submitted&unconfirmed=true&code=AB+C&sort=newest&after=x"
        );
        assert_eq!(QueueFilter::default().query(None), "");
        assert_eq!(encode(&QueueFilter::default()), "");
    }

    #[test]
    fn what_is_written_reads_back() {
        let f = QueueFilter {
            round: Some("r 1".into()),
            state: Some(LotState::Submitted),
            lot: Some("16&16".into()),
            code: Some("X".into()),
            ward: Some("29".into()),
            owner: Some(sidelot_domain::owners::NameMatch::NoMatch),
            contested: Some(true),
            unconfirmed: Some(false),
            sort: Some(QueueSort::Newest),
            after: Some("c/1".into()),
            limit: Some(20),
        };
        assert_eq!(parse(&encode(&f)).unwrap(), f);
    }

    #[test]
    fn a_bulk_action_selects_what_the_filters_select_and_leaves_out_blanks() {
        let f = parse("round=r1&state=submitted&ward=29&owner=match&code=IGNORED&contested=true")
            .unwrap();
        let req = f.bulk(Action::Deny, "incomplete", "  ").unwrap();
        assert_eq!(req.round.as_deref(), Some("r1"));
        assert_eq!(req.owner, Some(sidelot_domain::owners::NameMatch::Match));
        assert_eq!(req.state, LotState::Submitted);
        assert_eq!(req.lot, None);
        assert_eq!(req.ward.as_deref(), Some("29"));
        assert_eq!(req.action, Action::Deny);
        assert_eq!(req.reason_code.as_deref(), Some("incomplete"));
        assert_eq!(req.note, None, "a blank note is no note");
        let approve = |note| f.bulk(Action::StartScreening, "", note).unwrap();
        assert_eq!(approve(" why ").note.as_deref(), Some(" why "));
        assert_eq!(approve("").reason_code, None);
        assert_eq!(
            QueueFilter::default().bulk(Action::Deny, "", ""),
            None,
            "a bulk action starts from one state"
        );
    }
}
