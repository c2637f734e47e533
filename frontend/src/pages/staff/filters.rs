//! The review queue's filters as its URL carries them (`/staff?state=...`),
//! so that every view of the queue can be bookmarked, shared and reloaded:
//! read from a query string, written back for the links of the page and
//! for the API, and turned into a bulk action on what they select.

use sidelot_domain::api::BulkRequest;

use crate::url::{encode_component, query_param};

/// The queue's filters; an empty text is no filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub round: String,
    pub state: String,
    pub lot: String,
    pub code: String,
    pub ward: String,
    pub contested: bool,
    pub unconfirmed: bool,
    pub sort: String,
    /// The page's cursor (the previous page's `next`).
    pub after: String,
}

impl Filters {
    /// Reads a query string, with or without its `?`.
    pub fn parse(query: &str) -> Filters {
        let p = |k| query_param(query, k).unwrap_or_default();
        Filters {
            round: p("round"),
            state: p("state"),
            lot: p("lot"),
            code: p("code"),
            ward: p("ward"),
            contested: p("contested") == "true",
            unconfirmed: p("unconfirmed") == "true",
            sort: p("sort"),
            after: p("after"),
        }
    }

    /// The query string (without `?` and without the cursor), with `state`
    /// replaced when given.
    pub fn query(&self, state: Option<&str>) -> String {
        let mut q = Vec::new();
        for (k, v) in [
            ("round", self.round.as_str()),
            ("state", state.unwrap_or(&self.state)),
            ("lot", self.lot.as_str()),
            ("code", self.code.as_str()),
            ("ward", self.ward.as_str()),
            ("sort", self.sort.as_str()),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={}", encode_component(v)));
            }
        }
        if self.contested {
            q.push("contested=true".into());
        }
        if self.unconfirmed {
            q.push("unconfirmed=true".into());
        }
        q.join("&")
    }

    /// What to ask `GET /api/staff/queue` for: the filters and the cursor.
    pub fn api_query(&self) -> String {
        let mut q = self.query(None);
        if !self.after.is_empty() {
            q.push_str(&format!("&after={}", encode_component(&self.after)));
        }
        q
    }

    /// The queue under these filters but in `state`.
    pub fn state_href(&self, state: &str) -> String {
        format!("/staff?{}", self.query(Some(state)))
    }

    /// The first page under these filters.
    pub fn first_page_href(&self) -> String {
        format!("/staff?{}", self.query(None))
    }

    /// The page after this one, `next` being the answer's cursor.
    pub fn next_page_href(&self, next: &str) -> String {
        format!(
            "/staff?{}&after={}",
            self.query(None),
            encode_component(next)
        )
    }

    /// `action` (with its reason or note, blank for none) on every
    /// requested lot these filters select.
    pub fn bulk(&self, action: &str, reason_code: &str, note: &str) -> BulkRequest {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        BulkRequest {
            round: some(&self.round),
            state: self.state.clone(),
            lot: some(&self.lot),
            ward: some(&self.ward),
            action: action.to_owned(),
            reason_code: some(reason_code),
            note: (!note.trim().is_empty()).then(|| note.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_come_from_the_query_decoded_and_trimmed() {
        let f = Filters::parse(
            "?round=spring-2027&state=submitted&lot=16-16-214&ward=+29+&contested=true&unconfirmed=yes&after=abc%3D",
        );
        assert_eq!(f.round, "spring-2027");
        assert_eq!(f.state, "submitted");
        assert_eq!(f.lot, "16-16-214");
        assert_eq!(f.ward, "29");
        assert!(f.contested);
        assert!(!f.unconfirmed, "only `true` turns a flag on");
        assert_eq!(f.after, "abc=");
        assert_eq!(Filters::parse(""), Filters::default());
    }

    #[test]
    fn links_keep_every_filter_in_one_order_and_replace_the_state_when_asked() {
        let f = Filters::parse(
            "unconfirmed=true&sort=newest&code=AB%20C&state=submitted&round=r1&after=x",
        );
        assert_eq!(
            f.query(None),
            "round=r1&state=submitted&code=AB%20C&sort=newest&unconfirmed=true"
        );
        assert_eq!(
            f.state_href("denied"),
            "/staff?round=r1&state=denied&code=AB%20C&sort=newest&unconfirmed=true"
        );
        assert_eq!(
            f.first_page_href(),
            "/staff?round=r1&state=submitted&code=AB%20C&sort=newest&unconfirmed=true"
        );
        assert_eq!(
            f.next_page_href("2027-03-02T15:04:05Z/12"),
            "/staff?round=r1&state=submitted&code=AB%20C&sort=newest&unconfirmed=true&after=2027-03-02T15%3A04%3A05Z%2F12"
        );
        assert_eq!(
            f.api_query(),
            "round=r1&state=submitted&code=AB%20C&sort=newest&unconfirmed=true&after=x"
        );
        assert_eq!(Filters::default().query(None), "");
        assert_eq!(Filters::default().api_query(), "");
    }

    #[test]
    fn what_is_written_reads_back() {
        let f = Filters {
            round: "r 1".into(),
            state: "submitted".into(),
            lot: "16&16".into(),
            code: "X".into(),
            ward: "29".into(),
            contested: true,
            unconfirmed: true,
            sort: "newest".into(),
            after: "c/1".into(),
        };
        assert_eq!(Filters::parse(&f.api_query()), f);
    }

    #[test]
    fn a_bulk_action_selects_what_the_filters_select_and_leaves_out_blanks() {
        let f = Filters::parse("round=r1&state=submitted&ward=29&code=IGNORED&contested=true");
        let req = f.bulk("deny", "incomplete", "  ");
        assert_eq!(req.round.as_deref(), Some("r1"));
        assert_eq!(req.state, "submitted");
        assert_eq!(req.lot, None);
        assert_eq!(req.ward.as_deref(), Some("29"));
        assert_eq!(req.action, "deny");
        assert_eq!(req.reason_code.as_deref(), Some("incomplete"));
        assert_eq!(req.note, None, "a blank note is no note");
        assert_eq!(
            f.bulk("approve", "", " why ").note.as_deref(),
            Some(" why ")
        );
        assert_eq!(f.bulk("approve", "", "").reason_code, None);
    }
}
