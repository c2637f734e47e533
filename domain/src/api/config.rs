//! `GET /api/config` and `GET /api/health`.

use serde::{Deserialize, Serialize};

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
}
