//! The review queue, bulk actions and contested lots.

use super::params;
use super::review::TransitionDone;
use crate::workflow::{Action, LotState};
use serde::{Deserialize, Serialize};

/// The most rows a queue page holds, and how many when `limit` is not given.
pub const QUEUE_MAX_LIMIT: u32 = 200;
pub const QUEUE_DEFAULT_LIMIT: u32 = 50;

/// `GET /api/staff/queue`'s query: which requested lots, in which order,
/// from where. Every field may be left out; blank is the same as left out.
/// A wrong value is refused naming its parameter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// Round slug.
    #[serde(
        default,
        deserialize_with = "params::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub round: Option<String>,
    #[serde(
        default,
        deserialize_with = "params::parsed",
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<LotState>,
    /// Lot PIN, dashed or plain.
    #[serde(
        default,
        deserialize_with = "params::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub lot: Option<String>,
    /// Only lots other open applications also want (or only those not).
    #[serde(
        default,
        deserialize_with = "params::flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub contested: Option<bool>,
    /// Only applicants who have not confirmed their email (or only those who have).
    #[serde(
        default,
        deserialize_with = "params::flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub unconfirmed: Option<bool>,
    /// Tracking code, any case.
    #[serde(
        default,
        deserialize_with = "params::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<String>,
    /// The lot's ward.
    #[serde(
        default,
        deserialize_with = "params::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub ward: Option<String>,
    /// How the applicant's name compares with the owner of record.
    #[serde(
        default,
        deserialize_with = "params::parsed",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<crate::owners::NameMatch>,
    /// Oldest first unless `newest`.
    #[serde(
        default,
        deserialize_with = "params::parsed",
        skip_serializing_if = "Option::is_none"
    )]
    pub sort: Option<QueueSort>,
    /// The previous page's `next`.
    #[serde(
        default,
        deserialize_with = "params::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub after: Option<String>,
    /// 1 to [`QUEUE_MAX_LIMIT`]; [`QUEUE_DEFAULT_LIMIT`] when left out.
    #[serde(
        default,
        deserialize_with = "limit",
        skip_serializing_if = "Option::is_none"
    )]
    pub limit: Option<u32>,
}

impl QueueFilter {
    /// The lot as stored: plain digits.
    pub fn lot_pin(&self) -> Option<String> {
        self.lot.as_deref().map(|l| l.replace('-', ""))
    }

    /// The tracking code as stored: upper case.
    pub fn tracking_code(&self) -> Option<String> {
        self.code.as_deref().map(str::to_ascii_uppercase)
    }

    /// The cursor `after` as (application, lot), if it is one.
    pub fn cursor(&self) -> Option<Result<(i64, String), ()>> {
        self.after.as_deref().map(|cursor| {
            cursor
                .split_once(':')
                .and_then(|(id, pin)| id.parse::<i64>().ok().map(|id| (id, pin.to_owned())))
                .ok_or(())
        })
    }
}

/// The queue's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueSort {
    #[default]
    Oldest,
    Newest,
}

impl<'de> Deserialize<'de> for QueueSort {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        match raw.as_str() {
            "oldest" => Ok(QueueSort::Oldest),
            "newest" => Ok(QueueSort::Newest),
            other => Err(serde::de::Error::custom(format!(
                "{other:?} is not a sort order; use oldest or newest"
            ))),
        }
    }
}

/// A whole number from 1 to [`QUEUE_MAX_LIMIT`].
fn limit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(i64),
        Text(String),
    }
    let n = match Option::<Raw>::deserialize(d)? {
        None => return Ok(None),
        Some(Raw::Number(n)) => n,
        Some(Raw::Text(raw)) => raw
            .trim()
            .parse::<i64>()
            .map_err(|_| D::Error::custom(format!("{raw:?} is not a whole number")))?,
    };
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=QUEUE_MAX_LIMIT).contains(n))
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{n} is out of range: use 1 to {QUEUE_MAX_LIMIT}")))
}

/// One requested lot in the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueRow {
    pub application_id: i64,
    pub tracking_code: String,
    pub round: String,
    pub lot: String,
    pub lot_address: Option<String>,
    /// The lot's ward, when the parcel file gives one.
    pub ward: Option<String>,
    pub owned: String,
    pub owned_address: Option<String>,
    pub applicant_name: String,
    pub state: crate::workflow::LotState,
    pub relation: crate::eligibility::Relation,
    pub priority: u32,
    /// Other open applications want the same lot.
    pub contested: bool,
    pub email_confirmed: bool,
    pub submitted_at: String,
    /// How the applicant's name compares with the owner of record.
    #[serde(default)]
    pub owner_match: Option<crate::owners::NameMatch>,
}

/// How many requested lots are in one state (under the other filters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateCount {
    pub state: crate::workflow::LotState,
    pub count: i64,
}

/// `GET /api/staff/queue`: one page, the counts per state, and the cursor
/// of the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub counts: Vec<StateCount>,
    pub total: i64,
    /// Pass as `after` for the next page; none on the last page.
    pub next: Option<String>,
}

/// `POST /api/staff/bulk`: one action on every requested lot the filter
/// selects (each its own audited transition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRequest {
    pub round: Option<String>,
    /// Required: bulk actions start from one state.
    pub state: LotState,
    pub lot: Option<String>,
    /// Only lots in this ward.
    #[serde(default)]
    pub ward: Option<String>,
    /// Only applications whose name compares so with the owner of record.
    #[serde(default)]
    pub owner: Option<crate::owners::NameMatch>,
    pub action: Action,
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRefusal {
    pub application_id: i64,
    pub tracking_code: String,
    pub lot: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResult {
    pub moved: Vec<TransitionDone>,
    pub refused: Vec<BulkRefusal>,
}

/// A lot several open applications want, with each applicant's standing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContestedLot {
    pub round: String,
    pub lot: String,
    pub address: Option<String>,
    pub applications: Vec<QueueRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &str) -> Result<QueueFilter, String> {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let map = serde_json::Map::from_iter(
            pairs
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v))),
        );
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| e.to_string())
    }

    #[test]
    fn queue_filters_read_blank_as_none_and_flags_as_people_write_them() {
        let f = read("state=denied&contested=Yes&unconfirmed=0&round= &sort=newest&limit=20")
            .unwrap_or_default();
        assert_eq!(f.state, Some(LotState::Denied));
        assert_eq!((f.contested, f.unconfirmed), (Some(true), Some(false)));
        assert_eq!(f.round, None);
        assert_eq!((f.sort, f.limit), (Some(QueueSort::Newest), Some(20)));
        let wrong = |q| read(q).err().unwrap_or_default();
        assert!(wrong("state=approved").contains("\"approved\" is not a state"));
        assert!(wrong("contested=maybe").contains("\"maybe\" is not true or false"));
        assert!(wrong("limit=0").contains("0 is out of range: use 1 to 200"));
        assert!(wrong("limit=ten").contains("\"ten\" is not a whole number"));
        assert!(wrong("sort=up").contains("\"up\" is not a sort order"));
    }
}
