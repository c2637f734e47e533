//! The state the page's URL carries, so that links can be shared and the
//! back button works: `/?pin=16-16-214-233-0000&map=17.50/41.88123/-87.76543`.
//!
//! `map` is `zoom/latitude/longitude`, the order other web maps use. Either
//! part may be missing; a part that does not parse is ignored, never an
//! error, since people edit and truncate URLs.

/// Where the map looks: its centre and zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub lon: f64,
    pub lat: f64,
    pub zoom: f64,
}

/// What the URL says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlState {
    /// The parcel whose panel is open, as written in the URL (plain or dashed).
    pub pin: Option<String>,
    pub view: Option<Camera>,
}

/// Web Mercator stops short of the poles; MapLibre zooms from 0 to 24.
const MAX_LAT: f64 = 85.051_129;
const MAX_ZOOM: f64 = 24.0;

impl Camera {
    /// A view from `zoom/lat/lon`, when every part is a number in range.
    pub fn parse(text: &str) -> Option<Camera> {
        let mut parts = text.split('/').map(|p| p.trim().parse::<f64>().ok());
        let (zoom, lat, lon) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        let ok = zoom.is_finite()
            && (0.0..=MAX_ZOOM).contains(&zoom)
            && (-MAX_LAT..=MAX_LAT).contains(&lat)
            && (-180.0..=180.0).contains(&lon);
        ok.then_some(Camera { lon, lat, zoom })
    }

    /// `zoom/lat/lon`, rounded to what the eye can tell apart at that zoom
    /// (five decimals of a degree are about a metre).
    pub fn to_param(self) -> String {
        format!("{:.2}/{:.5}/{:.5}", self.zoom, self.lat, self.lon)
    }
}

impl UrlState {
    /// Reads a query string, with or without its leading `?`.
    pub fn parse(query: &str) -> UrlState {
        let mut state = UrlState::default();
        for pair in query.trim_start_matches('?').split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let value = percent_decode(value);
            match key {
                "pin" if !value.trim().is_empty() => state.pin = Some(value.trim().to_owned()),
                "map" => state.view = Camera::parse(&value),
                _ => {}
            }
        }
        state
    }

    /// The query string, with its `?`, or `""` when there is nothing to say.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(pin) = &self.pin {
            parts.push(format!("pin={}", percent_encode(pin)));
        }
        if let Some(view) = self.view {
            parts.push(format!("map={}", view.to_param()));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// One parameter of a query string, decoded; `None` when absent or empty.
pub fn query_param(query: &str, key: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| percent_decode(v).trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Decodes `%XX` escapes and `+` (a space in a query string). Malformed
/// escapes stay as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What JavaScript's `encodeURIComponent` writes: everything escaped but
/// letters, digits and `-_.!~*'()`. For a path segment or a query value.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Escapes all but the characters a PIN or an address needs in a query.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_comes_from_the_query_plain_dashed_or_escaped() {
        let pin = |q: &str| UrlState::parse(q).pin;
        assert_eq!(
            pin("?pin=16-16-214-233-0000").as_deref(),
            Some("16-16-214-233-0000")
        );
        assert_eq!(
            pin("map=16/41.9/-87.7&pin=16162142330000").as_deref(),
            Some("16162142330000")
        );
        assert_eq!(
            pin("?pin=16%2D16%2d214-233-0000").as_deref(),
            Some("16-16-214-233-0000")
        );
        assert_eq!(
            pin("?pin=+16162142330000+").as_deref(),
            Some("16162142330000")
        );
        assert_eq!(pin("?pin="), None);
        assert_eq!(pin("?pin"), None);
        assert_eq!(pin(""), None);
    }

    #[test]
    fn the_view_is_zoom_lat_lon_and_only_when_it_makes_sense() {
        let view = |q: &str| UrlState::parse(q).view;
        assert_eq!(
            view("?map=17.5/41.88123/-87.76543"),
            Some(Camera {
                zoom: 17.5,
                lat: 41.88123,
                lon: -87.76543
            })
        );
        assert_eq!(
            view("?map=17.5%2F41.88123%2F-87.76543").map(|v| v.zoom),
            Some(17.5)
        );
        for bad in [
            "?map=17.5/41.8",
            "?map=17.5/41.8/-87.7/3",
            "?map=17.5/95/-87.7",
            "?map=17.5/41.8/-187.7",
            "?map=40/41.8/-87.7",
            "?map=NaN/41.8/-87.7",
            "?map=a/b/c",
            "?map=",
        ] {
            assert_eq!(view(bad), None, "{bad}");
        }
    }

    #[test]
    fn what_is_written_reads_back() {
        let state = UrlState {
            pin: Some("16-16-214-233-0000".into()),
            view: Some(Camera {
                lon: -87.765_432_1,
                lat: 41.881_234_5,
                zoom: 17.456,
            }),
        };
        let query = state.to_query();
        assert_eq!(
            query,
            "?pin=16-16-214-233-0000&map=17.46/41.88123/-87.76543"
        );
        let back = UrlState::parse(&query);
        assert_eq!(back.pin, state.pin);
        assert_eq!(
            back.view.map(|v| v.to_param()),
            Some("17.46/41.88123/-87.76543".into())
        );
        assert_eq!(UrlState::default().to_query(), "");
        let odd = UrlState {
            pin: Some("A&B 1/2".into()),
            view: None,
        };
        assert_eq!(
            UrlState::parse(&odd.to_query()).pin.as_deref(),
            Some("A&B 1/2")
        );
    }

    #[test]
    fn one_parameter_is_read_decoded() {
        assert_eq!(
            query_param("?lot=1&owned=16-16%2D1", "owned").as_deref(),
            Some("16-16-1")
        );
        assert_eq!(query_param("?lot=", "lot"), None);
        assert_eq!(query_param("?lot=1", "owned"), None);
    }

    #[test]
    fn components_are_escaped_as_encode_uri_component_does() {
        assert_eq!(encode_component("16-16-214"), "16-16-214");
        assert_eq!(encode_component("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode_component("(it's)!*~_."), "(it's)!*~_.");
    }

    #[test]
    fn malformed_escapes_stay_as_written() {
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("%zz1"), "%zz1");
        assert_eq!(percent_decode("a%20b"), "a b");
    }
}
