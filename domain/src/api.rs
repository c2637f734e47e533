//! Types of the HTTP API, shared by the server (which writes them) and the
//! frontend (which reads them). `docs/api.md` describes the endpoints.

use serde::{Deserialize, Serialize};

/// Default number of parcels in one `GET /api/parcels` answer.
pub const DEFAULT_PARCEL_LIMIT: u32 = 2_000;
/// Largest `limit` accepted by `GET /api/parcels`.
pub const MAX_PARCEL_LIMIT: u32 = 10_000;

/// The one shape of every error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Machine-readable kind: `invalid_parameter`, `not_found`, `unavailable`, `internal`.
    pub code: String,
    /// One sentence for people.
    pub message: String,
    /// The request parameter at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Every form field at fault, each with its message (`invalid_fields`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<crate::application::FieldError>,
}

/// Where a parcel stands in the sale programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParcelStatus {
    /// Offered in an open round.
    Available,
    /// An application for it is being processed.
    Pending,
    /// Sold through the programme.
    Sold,
    /// Not offered.
    NotForSale,
}

/// Properties of a parcel Feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParcelProperties {
    /// Normalised identifier: 14 digits for Cook County PINs.
    pub pin: String,
    /// Street address, when the source had one.
    pub address: Option<String>,
    /// Area in square feet, rounded.
    pub area_sqft: i64,
    pub status: ParcelStatus,
    /// The ward, when the parcel file gives one (a `WARD` attribute).
    #[serde(default)]
    pub ward: Option<String>,
}

/// One parcel as an RFC 7946 Feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParcelFeature {
    /// Always `"Feature"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The parcel's PIN.
    pub id: String,
    /// A GeoJSON MultiPolygon in longitude/latitude.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub geometry: serde_json::Value,
    pub properties: ParcelProperties,
}

/// The parcels in a bounding box, as an RFC 7946 FeatureCollection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParcelCollection {
    /// Always `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<ParcelFeature>,
    /// How many parcels intersect the box.
    pub number_matched: u64,
    /// How many parcels this answer holds.
    pub number_returned: u64,
    /// True when `limit` cut the answer (`numberReturned < numberMatched`).
    pub truncated: bool,
    /// The limit that applied.
    pub limit: u32,
}

/// Default and largest number of results of `GET /api/search`.
pub const DEFAULT_SEARCH_LIMIT: u32 = 10;
pub const MAX_SEARCH_LIMIT: u32 = 50;
/// Longest query `GET /api/search` takes.
pub const MAX_SEARCH_QUERY_CHARS: usize = 100;

/// How a search result matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchMatch {
    /// The PIN, exactly.
    Pin,
    /// The start of the PIN.
    PinPrefix,
    /// The start of the address.
    Address,
    /// The start of the street name.
    Street,
}

/// One parcel found by `GET /api/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResult {
    pub pin: String,
    pub address: Option<String>,
    #[serde(rename = "match")]
    pub matched: SearchMatch,
    /// A point inside the parcel: `[lon, lat]`.
    pub center: [f64; 2],
    /// `[minLon, minLat, maxLon, maxLat]` of the parcel.
    pub bbox: [f64; 4],
}

/// Answer of `GET /api/search`: best matches first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub query: String,
    pub results: Vec<SearchResult>,
}

/// A background map under the parcels, as the server is configured. Offline
/// or unconfigured, there is none: the parcels stand on a plain background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basemap {
    /// Raster tiles from a URL template with `{z}`, `{x}` and `{y}`.
    Raster {
        url_template: String,
        attribution: String,
    },
    /// A MapLibre style document.
    Style { url: String, attribution: String },
}

impl Basemap {
    /// Checks a basemap's configuration: an http(s) URL, and for raster
    /// tiles the `{z}`, `{x}` and `{y}` placeholders.
    pub fn new(
        tiles: Option<&str>,
        style: Option<&str>,
        attribution: Option<&str>,
    ) -> Result<Option<Basemap>, String> {
        let attribution = attribution.unwrap_or_default().trim().to_owned();
        let web = |u: &str| u.starts_with("https://") || u.starts_with("http://");
        match (tiles.map(str::trim), style.map(str::trim)) {
            (None, None) => Ok(None),
            (Some(_), Some(_)) => {
                Err("give either basemap tiles or a basemap style, not both".into())
            }
            (Some(t), None) => {
                if !web(t) {
                    return Err(format!("basemap tiles {t:?} must be an http(s) URL"));
                }
                if let Some(missing) = ["{z}", "{x}", "{y}"].iter().find(|p| !t.contains(**p)) {
                    return Err(format!(
                        "basemap tiles {t:?} lack the {missing} placeholder"
                    ));
                }
                Ok(Some(Basemap::Raster {
                    url_template: t.to_owned(),
                    attribution,
                }))
            }
            (None, Some(u)) => {
                if !web(u) {
                    return Err(format!("basemap style {u:?} must be an http(s) URL"));
                }
                Ok(Some(Basemap::Style {
                    url: u.to_owned(),
                    attribution,
                }))
            }
        }
    }
}

/// Answer of `GET /api/config`: what the browser app needs to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientConfig {
    pub basemap: Option<Basemap>,
    pub version: String,
    /// Where the map opens when the URL does not say: the middle of the
    /// parcels loaded, `[lon, lat]`; absent while there are none.
    #[serde(default)]
    pub start: Option<[f64; 2]>,
}

/// Answer of `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `"ok"`.
    pub status: String,
    /// `"reachable"`.
    pub database: String,
    /// PostGIS's own version string.
    pub postgis_version: String,
    /// The version of sidelot answering.
    pub version: String,
}

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    Upcoming,
    Open,
    Closed,
}

/// A round as the public sees it: its times and its rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundSummary {
    pub slug: String,
    pub name: String,
    /// RFC 3339.
    pub opens_at: String,
    pub closes_at: String,
    /// IANA time zone the times are announced in.
    pub time_zone: String,
    pub state: RoundState,
    pub rules: crate::eligibility::Rules,
    /// Lots the round offers.
    pub lots: i64,
}

/// Answer of `GET /api/rounds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundList {
    pub rounds: Vec<RoundSummary>,
}

/// Answer of `GET /api/eligibility`: how an owned parcel relates to a lot,
/// the evidence, and what it means in the round offering the lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityAnswer {
    /// The lot's PIN.
    pub lot: String,
    /// The owned parcel's PIN.
    pub owned: String,
    pub relation: crate::eligibility::Relation,
    /// Whether the owner may apply for the lot now.
    pub eligible: bool,
    /// 1 is the highest; absent when the relation does not qualify.
    pub priority: Option<u32>,
    /// Metres, to the centimetre.
    pub shared_boundary_m: f64,
    pub distance_m: f64,
    pub same_block: bool,
    /// Plain words for the neighbour.
    pub explanation: String,
    /// The round offering the lot (open, or else upcoming), if any.
    pub round: Option<RoundSummary>,
}

/// Answer of `GET /api/rounds/{slug}/eligible-lots?owned=PIN`: the lots the
/// round offers that the owned parcel qualifies for, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibleLots {
    pub round: String,
    /// The owned parcel's PIN.
    pub owned: String,
    /// Highest priority first, then nearest.
    pub lots: Vec<EligibleLot>,
    /// More lots qualify than were measured (the nearest are listed).
    pub truncated: bool,
}

/// One lot an owned parcel qualifies for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibleLot {
    pub pin: String,
    pub address: Option<String>,
    pub relation: crate::eligibility::Relation,
    /// 1 is the highest.
    pub priority: u32,
    /// Metres, to the centimetre.
    pub distance_m: f64,
    /// Plain words: how the property relates to this lot.
    pub explanation: String,
}

/// Answer of `POST /api/applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationReceipt {
    /// What to quote to staff: `SL-XXXX-XXXX`.
    pub tracking_code: String,
    /// The private status page; given once (a repeated submission gets
    /// none: the link is in the confirmation email).
    pub status_url: Option<String>,
    /// Whether this repeats an earlier submission with the same key.
    pub repeated: bool,
}

/// One lot of an application, with the evidence that qualified it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedLot {
    pub pin: String,
    pub address: Option<String>,
    pub relation: crate::eligibility::Relation,
    pub priority: u32,
    pub shared_boundary_m: f64,
    pub distance_m: f64,
    pub explanation: String,
    /// Where this lot's review stands.
    pub state: crate::workflow::LotState,
    /// The state in plain words.
    pub state_plain: String,
    /// Why the lot was denied, in plain words.
    pub denial_reason: Option<String>,
    /// The applicant's place in the lot's lottery, once entered.
    pub lottery: Option<LotteryStanding>,
}

/// An applicant's entry in a lot's lottery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotteryStanding {
    /// The pseudonymous id the public lottery page lists.
    pub public_id: String,
    /// 1 is first; none until the draw.
    pub rank: Option<u32>,
    /// How many entered for this lot.
    pub of: u32,
    /// The public lottery page of this lot (`/lottery/<round>/<lot>`).
    pub page: String,
}

/// One step in an application's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationEvent {
    /// RFC 3339.
    pub at: String,
    pub kind: String,
    /// The lot the step concerns, if only one.
    pub lot: Option<String>,
    /// What happened, in plain words.
    pub text: String,
}

/// Answer of `GET /api/status/{token}`: the applicant's own application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationStatus {
    pub tracking_code: String,
    pub round: RoundSummary,
    pub state: String,
    pub submitted_at: String,
    pub email_confirmed: bool,
    pub applicant_name: String,
    pub owned_pin: String,
    pub owned_address: Option<String>,
    pub lots: Vec<AppliedLot>,
    pub history: Vec<ApplicationEvent>,
    /// What happens next, in plain words.
    pub next_step: String,
}

// ---- Staff console ----

/// `POST /api/staff/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Who is signed in, and the token to send in `X-CSRF-Token` with every
/// state-changing request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSession {
    pub email: String,
    pub role: crate::workflow::Role,
    pub csrf_token: String,
}

/// `POST /api/staff/password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
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

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: String,
    pub kind: String,
    pub lot: Option<String>,
    /// `applicant`, `system` or the staff member's email.
    pub actor: String,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// A requested lot as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLot {
    pub pin: String,
    pub address: Option<String>,
    pub state: crate::workflow::LotState,
    pub relation: crate::eligibility::Relation,
    pub priority: u32,
    pub shared_boundary_m: f64,
    pub distance_m: f64,
    pub same_block: bool,
    pub explanation: String,
    pub denial_reason: Option<String>,
    /// The actions allowed from the current state.
    pub actions: Vec<crate::workflow::Action>,
    /// Other open applications for this lot.
    pub rivals: i64,
    /// The owned parcel and the lot, as GeoJSON, for the review map.
    pub map: Option<serde_json::Value>,
}

/// `GET /api/staff/applications/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffApplication {
    pub id: i64,
    pub tracking_code: String,
    pub round: String,
    pub applicant_name: String,
    pub email: String,
    pub email_confirmed: bool,
    pub phone: Option<String>,
    pub mailing_address: String,
    pub owned: String,
    pub owned_address: Option<String>,
    pub planned_use: String,
    pub planned_use_details: Option<String>,
    pub submitted_at: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub deed_type: String,
    pub deed_url: String,
    pub lots: Vec<StaffLot>,
    pub history: Vec<AuditEntry>,
}

/// `POST /api/staff/applications/{id}/lots/{pin}/transition`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionRequest {
    pub action: String,
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a transition did: one step, or two when location review passed on
/// its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionDone {
    pub application_id: i64,
    pub lot: String,
    pub from: crate::workflow::LotState,
    pub to: crate::workflow::LotState,
}

/// `POST /api/staff/bulk`: one action on every requested lot the filter
/// selects (each its own audited transition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRequest {
    pub round: Option<String>,
    /// Required: bulk actions start from one state.
    pub state: String,
    pub lot: Option<String>,
    /// Only lots in this ward.
    #[serde(default)]
    pub ward: Option<String>,
    pub action: String,
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

/// An entry of the denial reason catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DenialReason {
    pub code: String,
    pub label: String,
    /// What the applicant reads.
    pub plain: String,
    pub active: bool,
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

/// A staff account as admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub role: crate::workflow::Role,
    pub disabled: bool,
    pub created_at: String,
}

/// `POST /api/staff/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaffAccount {
    pub email: String,
    pub role: String,
    pub password: String,
}

/// `POST /api/staff/users/{id}`: change a role, or disable or enable an
/// account. Fields left out stay as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccountChange {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// A message to an applicant and how its delivery went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    pub id: i64,
    pub tracking_code: Option<String>,
    pub to: String,
    pub subject: String,
    pub created_at: String,
    pub attempts: i32,
    pub sent_at: Option<String>,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
}

/// How far a running import is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobProgress {
    pub done: u64,
    pub total: Option<u64>,
    /// What it is doing now (reading, loading, merging, ...).
    pub phase: String,
}

/// An import started from the staff console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJob {
    pub id: i64,
    /// `parcels` or `lots`.
    pub kind: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub round: Option<String>,
    /// `queued`, `running`, `succeeded`, `failed` or `interrupted`.
    pub status: String,
    pub actor: String,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub progress: Option<JobProgress>,
    pub error: Option<String>,
    /// One line: what was loaded and what was refused.
    pub summary: Option<String>,
    /// The import's full report (counts, and the rejected records with
    /// their reasons); only on `GET /api/staff/imports/{id}`.
    pub report: Option<serde_json::Value>,
}

/// Public figures, with no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub rounds: Vec<RoundFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundFigures {
    pub round: String,
    pub name: String,
    pub lots_offered: i64,
    pub lots_sold: i64,
    pub applications: i64,
    /// Requested lots per state.
    pub by_state: Vec<StateCount>,
    /// Per ward of the lots (when the parcel file gives wards).
    pub by_ward: Vec<WardFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardFigures {
    pub ward: String,
    pub lots_offered: i64,
    /// Requested lots (one per application and lot).
    pub requested: i64,
    pub lots_sold: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basemaps_are_checked_before_they_are_served() {
        assert_eq!(Basemap::new(None, None, None), Ok(None));
        let raster = Basemap::new(
            Some("https://t.example/{z}/{x}/{y}.png"),
            None,
            Some("(c) Tiles"),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(raster).unwrap(),
            serde_json::json!({"kind": "raster", "url_template": "https://t.example/{z}/{x}/{y}.png", "attribution": "(c) Tiles"})
        );
        assert!(
            Basemap::new(Some("https://t.example/{z}/{x}.png"), None, None)
                .unwrap_err()
                .contains("{y}")
        );
        assert!(
            Basemap::new(Some("ftp://t/{z}/{x}/{y}"), None, None)
                .unwrap_err()
                .contains("http")
        );
        assert!(
            Basemap::new(
                Some("https://a/{z}/{x}/{y}"),
                Some("https://b/style.json"),
                None
            )
            .is_err()
        );
        assert!(matches!(
            Basemap::new(None, Some("https://b/style.json"), None),
            Ok(Some(Basemap::Style { .. }))
        ));
    }

    #[test]
    fn statuses_are_written_in_snake_case() {
        let json = serde_json::to_string(&ParcelStatus::NotForSale).unwrap();
        assert_eq!(json, "\"not_for_sale\"");
    }

    #[test]
    fn an_error_without_parameter_omits_the_field() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: "not_found".into(),
                message: "No parcel has PIN 13333180190000.".into(),
                parameter: None,
                fields: Vec::new(),
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "not_found");
        assert!(json["error"].get("parameter").is_none());
    }
}
