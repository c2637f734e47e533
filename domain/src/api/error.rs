//! The one shape of every error answer.

use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
