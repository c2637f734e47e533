//! Which parcels to ask the server for, and when not to ask again.
//!
//! The map asks for the viewport grown by a margin on every side, so that
//! panning a little or zooming in stays within what was loaded and costs no
//! request. A complete answer for an area answers every smaller view inside
//! it; a truncated one (the server's limit was reached) answers nothing but
//! itself.

/// `[west, south, east, north]` in degrees.
pub type Bounds = [f64; 4];

/// The share of the view's width (and height) added on each side.
pub const MARGIN: f64 = 0.25;

/// What was last loaded: the area asked for and whether the answer held
/// every parcel in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loaded {
    pub area: Bounds,
    pub complete: bool,
}

/// `view` grown by `MARGIN` on every side, within the world's limits.
pub fn padded(view: Bounds) -> Bounds {
    let dx = (view[2] - view[0]) * MARGIN;
    let dy = (view[3] - view[1]) * MARGIN;
    [
        (view[0] - dx).max(-180.0),
        (view[1] - dy).max(-90.0),
        (view[2] + dx).min(180.0),
        (view[3] + dy).min(90.0),
    ]
}

/// Does `outer` contain all of `inner`?
pub fn contains(outer: Bounds, inner: Bounds) -> bool {
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
}

/// Do the two areas overlap (touching counts)?
pub fn intersects(a: Bounds, b: Bounds) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// What to ask the server for to show `view`: nothing when the last
/// complete answer already covers it.
pub fn to_fetch(loaded: Option<Loaded>, view: Bounds) -> Option<Bounds> {
    match loaded {
        Some(l) if l.complete && contains(l.area, view) => None,
        Some(l) if !l.complete && l.area == view => None,
        _ => Some(padded(view)),
    }
}

/// A parcel of a `GET /api/parcels` answer as the app keeps it: its
/// properties and extent. The coordinates are read once, by MapLibre; here
/// they are only swept for their extent, allocating nothing.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct LightFeature {
    pub properties: sidelot_domain::api::ParcelProperties,
    pub geometry: Extent,
}

/// The answer, read light.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LightCollection {
    pub features: Vec<LightFeature>,
    pub truncated: bool,
}

/// The extent of a GeoJSON geometry, from its `coordinates` at any depth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent(pub Option<Bounds>);

impl<'de> serde::Deserialize<'de> for Extent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, Visitor};

        struct Geometry;
        impl<'de> Visitor<'de> for Geometry {
            type Value = Extent;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a GeoJSON geometry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extent, A::Error> {
                let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "coordinates" {
                        map.next_value_seed(Sweep(&mut b))?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Extent((b[0] <= b[2] && b[1] <= b[3]).then_some(b)))
            }
        }
        d.deserialize_map(Geometry)
    }
}

/// Sweeps nested coordinate arrays, widening the bounds by each position.
struct Sweep<'a>(&'a mut Bounds);

impl<'de> serde::de::DeserializeSeed<'de> for Sweep<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Sweep<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("coordinates")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // A position is numbers; anything else is a list of positions (or
        // of lists of them).
        let b = self.0;
        let mut position = [f64::NAN; 2];
        let mut i = 0;
        while let Some(item) = seq.next_element_seed(Item(b))? {
            if let Some(x) = item {
                if i < 2 {
                    position[i] = x;
                }
                i += 1;
            }
        }
        if i >= 2 && position.iter().all(|v| v.is_finite()) {
            let [x, y] = position;
            *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
        Ok(())
    }
}

/// One element of a coordinates array: a number, or a nested array swept
/// in place.
struct Item<'a>(&'a mut Bounds);

impl<'de> serde::de::DeserializeSeed<'de> for Item<'_> {
    type Value = Option<f64>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Item<'_> {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a number or an array")
    }
    fn visit_f64<E>(self, v: f64) -> Result<Option<f64>, E> {
        Ok(Some(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Option<f64>, A::Error> {
        Sweep(self.0).visit_seq(seq).map(|()| None)
    }
}

/// The extent of a GeoJSON geometry's coordinates, read from a parsed
/// value: what the light reading is checked against.
#[cfg(test)]
pub fn bounds_of(geometry: &serde_json::Value) -> Option<Bounds> {
    fn walk(v: &serde_json::Value, b: &mut Bounds) {
        match v.as_array() {
            Some(a) if a.len() >= 2 && a[0].is_number() => {
                if let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64()) {
                    *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
                }
            }
            Some(a) => a.iter().for_each(|c| walk(c, b)),
            None => {}
        }
    }
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    walk(geometry.get("coordinates")?, &mut b);
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: Bounds = [-87.77, 41.88, -87.76, 41.89];

    #[test]
    fn the_request_reaches_beyond_the_view() {
        let p = padded(VIEW);
        assert!(contains(p, VIEW));
        assert!((p[0] - (-87.7725)).abs() < 1e-9 && (p[3] - 41.8925).abs() < 1e-9);
        assert_eq!(
            padded([-180.0, -90.0, 180.0, 90.0]),
            [-180.0, -90.0, 180.0, 90.0]
        );
    }

    #[test]
    fn a_complete_answer_covers_small_moves_and_zooming_in() {
        let loaded = Some(Loaded {
            area: padded(VIEW),
            complete: true,
        });
        assert_eq!(to_fetch(loaded, VIEW), None);
        let nudged = [VIEW[0] + 0.002, VIEW[1], VIEW[2] + 0.002, VIEW[3]];
        assert_eq!(to_fetch(loaded, nudged), None);
        let zoomed_in = [-87.767, 41.883, -87.763, 41.887];
        assert_eq!(to_fetch(loaded, zoomed_in), None);
        let far = [VIEW[0] + 0.05, VIEW[1], VIEW[2] + 0.05, VIEW[3]];
        assert_eq!(to_fetch(loaded, far), Some(padded(far)));
        let zoomed_out = [-87.80, 41.85, -87.73, 41.92];
        assert_eq!(to_fetch(loaded, zoomed_out), Some(padded(zoomed_out)));
        assert_eq!(to_fetch(None, VIEW), Some(padded(VIEW)));
    }

    #[test]
    fn a_truncated_answer_covers_nothing_smaller() {
        let loaded = Some(Loaded {
            area: padded(VIEW),
            complete: false,
        });
        let zoomed_in = [-87.767, 41.883, -87.763, 41.887];
        assert_eq!(to_fetch(loaded, zoomed_in), Some(padded(zoomed_in)));
    }

    #[test]
    fn overlap_counts_touching_edges() {
        assert!(intersects(VIEW, [-87.76, 41.89, -87.75, 41.90]));
        assert!(!intersects(VIEW, [-87.759, 41.88, -87.75, 41.89]));
    }

    #[test]
    fn the_light_reading_finds_the_same_extents() {
        let text = r#"{"type":"FeatureCollection","numberMatched":2,"truncated":false,"features":[
            {"type":"Feature","id":"1","geometry":{"type":"MultiPolygon","coordinates":
              [[[[0.5,0],[1,0],[1,1],[0.5,0]]],[[[5,5],[6,5],[6,7.25],[5,5]]]]},
             "properties":{"pin":"1","address":null,"area_sqft":10,"status":"sold"}},
            {"type":"Feature","id":"2","properties":{"pin":"2","address":"X","area_sqft":1,"status":"available"},
             "geometry":{"coordinates":[[[-87.7,41.8],[-87.6,41.8],[-87.6,41.9],[-87.7,41.8]]],"type":"Polygon"}}]}"#;
        let light: LightCollection = serde_json::from_str(text).unwrap();
        let full: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(!light.truncated);
        for (l, f) in light
            .features
            .iter()
            .zip(full["features"].as_array().unwrap())
        {
            assert_eq!(l.geometry.0, bounds_of(&f["geometry"]));
        }
        assert_eq!(light.features[0].geometry.0, Some([0.5, 0.0, 6.0, 7.25]));
        assert_eq!(light.features[1].properties.address.as_deref(), Some("X"));
        let empty: Extent = serde_json::from_str(r#"{"type":"Polygon","coordinates":[]}"#).unwrap();
        assert_eq!(empty.0, None);
        assert!(serde_json::from_str::<Extent>(r#"{"coordinates":"x"}"#).is_err());
    }

    #[test]
    fn bounds_of_polygons_and_multipolygons() {
        let poly = serde_json::json!({"type": "Polygon", "coordinates":
            [[[-87.7, 41.8], [-87.6, 41.8], [-87.6, 41.9], [-87.7, 41.8]]]});
        assert_eq!(bounds_of(&poly), Some([-87.7, 41.8, -87.6, 41.9]));
        let multi = serde_json::json!({"type": "MultiPolygon", "coordinates":
            [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]],
             [[[5.0, 5.0], [6.0, 5.0], [6.0, 7.0], [5.0, 5.0]]]]});
        assert_eq!(bounds_of(&multi), Some([0.0, 0.0, 6.0, 7.0]));
        assert_eq!(bounds_of(&serde_json::json!({"type": "Polygon"})), None);
        assert_eq!(
            bounds_of(&serde_json::json!({"type": "Polygon", "coordinates": []})),
            None
        );
    }
}
