//! Small SVG drawings of parcels from GeoJSON, for the review page: no map
//! library, no tiles, just the lot and the applicant's property to scale.

use serde_json::Value;

/// The outer and inner rings of every polygon in a GeoJSON geometry (a
/// Polygon, a MultiPolygon, or a GeometryCollection of them), in order of
/// appearance: one entry per member geometry.
pub fn rings(geometry: &Value) -> Vec<Vec<Vec<[f64; 2]>>> {
    let ring = |r: &Value| -> Vec<[f64; 2]> {
        r.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                    .collect()
            })
            .unwrap_or_default()
    };
    let polygon = |p: &Value| -> Vec<Vec<[f64; 2]>> {
        p.as_array()
            .map(|rs| rs.iter().map(ring).collect())
            .unwrap_or_default()
    };
    match geometry["type"].as_str() {
        Some("Polygon") => vec![polygon(&geometry["coordinates"])],
        Some("MultiPolygon") => vec![
            geometry["coordinates"]
                .as_array()
                .map(|ps| ps.iter().flat_map(polygon).collect())
                .unwrap_or_default(),
        ],
        Some("GeometryCollection") => geometry["geometries"]
            .as_array()
            .map(|gs| gs.iter().flat_map(rings).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// SVG path data for each member, fitted into a `size` x `size` box with a
/// margin, north up, east and north scaled alike (by the cosine of the
/// latitude).
pub fn paths(geometry: &Value, size: f64) -> Vec<String> {
    let members = rings(geometry);
    let all = members.iter().flatten().flatten();
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for [x, y] in all {
        w = w.min(*x);
        e = e.max(*x);
        s = s.min(*y);
        n = n.max(*y);
    }
    if w > e {
        return Vec::new();
    }
    let kx = ((s + n) / 2.0).to_radians().cos();
    let span = ((e - w) * kx).max(n - s).max(1e-9);
    let margin = size * 0.08;
    let scale = (size - 2.0 * margin) / span;
    let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
    let at = |[x, y]: [f64; 2]| {
        (
            size / 2.0 + (x - cx) * kx * scale,
            size / 2.0 - (y - cy) * scale,
        )
    };
    members
        .iter()
        .map(|polygons| {
            polygons
                .iter()
                .filter(|r| r.len() >= 3)
                .map(|r| {
                    let mut d = String::new();
                    for (i, p) in r.iter().enumerate() {
                        let (x, y) = at(*p);
                        d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { 'M' } else { 'L' }));
                    }
                    d.push('Z');
                    d
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_squares_side_by_side_fill_the_box_and_keep_their_order() {
        let g = serde_json::json!({
            "type": "GeometryCollection",
            "geometries": [
                {"type": "MultiPolygon", "coordinates": [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]]},
                {"type": "Polygon", "coordinates": [[[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 0.0]]]}
            ]
        });
        let p = paths(&g, 100.0);
        assert_eq!(p.len(), 2);
        // Near the equator: 2 wide, 1 high; x from 8 to 92, north up.
        assert!(
            p[0].starts_with("M8.0,71.0 L50.0,71.0 L50.0,29.0"),
            "{}",
            p[0]
        );
        assert!(p[1].starts_with("M50.0,71.0 L92.0,71.0"), "{}", p[1]);
        assert!(paths(&serde_json::json!({"type": "Point"}), 100.0).is_empty());
    }
}
