//! Geometry between reading and staging: rings assembled into polygons,
//! reprojected to EPSG:4326, checked, and written as EWKB.

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use proj::Proj;

/// SRID of everything stored.
pub const SRID: u32 = 4326;

/// A ring as read: its vertices and whether the source calls it an outer ring.
pub struct Ring {
    pub outer: bool,
    pub coords: Vec<Coord<f64>>,
}

/// Builds polygons from rings. Each hole goes to the outer ring that
/// contains it; a "hole" inside no outer ring (a ring wound the wrong way)
/// becomes a polygon of its own, which the database check then validates.
pub fn assemble(rings: Vec<Ring>) -> MultiPolygon<f64> {
    let (outers, inners): (Vec<Ring>, Vec<Ring>) = rings.into_iter().partition(|r| r.outer);
    let mut polygons: Vec<(LineString<f64>, Vec<LineString<f64>>)> = outers
        .into_iter()
        .map(|r| (LineString::from(r.coords), Vec::new()))
        .collect();
    for inner in inners {
        let probe = inner.coords.first().copied();
        let host = probe.and_then(|p| polygons.iter().position(|(outer, _)| contains(&outer.0, p)));
        match host {
            Some(i) => polygons[i].1.push(LineString::from(inner.coords)),
            None => polygons.push((LineString::from(inner.coords), Vec::new())),
        }
    }
    MultiPolygon(
        polygons
            .into_iter()
            .map(|(exterior, holes)| Polygon::new(exterior, holes))
            .collect(),
    )
}

/// Even-odd point in ring test.
fn contains(ring: &[Coord<f64>], p: Coord<f64>) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Drops rings too short to be rings (fewer than 4 vertices once closed)
/// and polygons left without an exterior. Returns whether anything was dropped.
pub fn drop_degenerate(mp: &mut MultiPolygon<f64>) -> bool {
    let before: usize = mp.0.iter().map(|p| 1 + p.interiors().len()).sum();
    let polygons = std::mem::take(&mut mp.0);
    for polygon in polygons {
        let (exterior, interiors) = polygon.into_inner();
        if exterior.0.len() < 4 {
            continue;
        }
        let holes: Vec<LineString<f64>> =
            interiors.into_iter().filter(|r| r.0.len() >= 4).collect();
        mp.0.push(Polygon::new(exterior, holes));
    }
    let after: usize = mp.0.iter().map(|p| 1 + p.interiors().len()).sum();
    before != after
}

/// A coordinate that does not lie in longitude/latitude range.
#[derive(Debug, thiserror::Error)]
#[error("coordinate ({x}, {y}) is not a longitude/latitude")]
pub struct OutOfRange {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum CrsError {
    #[error("PROJ does not understand the coordinate system {label}: {reason}")]
    Unknown { label: String, reason: String },
    #[error("converting coordinates failed: {0}")]
    Convert(String),
}

/// Converts source coordinates to longitude/latitude.
///
/// Neighbouring parcels share their corners, and a file lists neighbours
/// near each other: half the vertices of the Austin parcels are a corner
/// already met. The last conversions are kept, by the exact bits of the
/// source coordinate, in a small table of fixed size, so that PROJ (the
/// larger part of reading a projected file) converts each corner about
/// once; its answer for a coordinate is always the same, so the result is
/// too.
pub struct Reprojector {
    proj: Option<Proj>,
    /// Source coordinate bits and lon/lat, at the slot of their hash.
    recent: Vec<([u64; 2], Coord<f64>)>,
    /// The coordinates of a ring not in `recent`, and their places.
    misses: Vec<Coord<f64>>,
    missed_at: Vec<usize>,
}

/// Slots of [`Reprojector::recent`] (a power of two).
const RECENT: usize = 1 << 12;

/// The key of an empty slot: a NaN's bits, which no finite coordinate has
/// (a coordinate with these very bits is always converted by PROJ).
const NO_KEY: [u64; 2] = [u64::MAX, u64::MAX];

fn slot(key: [u64; 2]) -> usize {
    let mixed = (key[0] ^ key[1].rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // The top bits, as many as RECENT has.
    (mixed >> (64 - RECENT.trailing_zeros())) as usize
}

impl Reprojector {
    /// No conversion: the source already is EPSG:4326.
    pub fn identity() -> Reprojector {
        Reprojector {
            proj: None,
            recent: Vec::new(),
            misses: Vec::new(),
            missed_at: Vec::new(),
        }
    }

    /// From any CRS PROJ understands (`EPSG:NNNN`, OGC or ESRI WKT, PROJJSON).
    pub fn new(definition: &str, label: &str) -> Result<Reprojector, CrsError> {
        let proj =
            Proj::new_known_crs(definition, "EPSG:4326", None).map_err(|e| CrsError::Unknown {
                label: label.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Reprojector {
            proj: Some(proj),
            recent: vec![(NO_KEY, Coord { x: 0.0, y: 0.0 }); RECENT],
            misses: Vec::new(),
            missed_at: Vec::new(),
        })
    }

    /// Converts every vertex in place, then checks the result is lon/lat.
    pub fn apply(&mut self, mp: &mut MultiPolygon<f64>) -> Result<(), GeometryError> {
        let mut failure: Option<GeometryError> = None;
        for polygon in &mut mp.0 {
            let mut convert = |ring: &mut LineString<f64>| {
                if failure.is_some() {
                    return;
                }
                if let Err(e) = self.convert(&mut ring.0) {
                    failure = Some(GeometryError::Crs(CrsError::Convert(e.to_string())));
                    return;
                }
                if let Some(c) = ring.0.iter().find(|c| !in_lon_lat_range(c)) {
                    failure = Some(GeometryError::OutOfRange(OutOfRange { x: c.x, y: c.y }));
                }
            };
            polygon.exterior_mut(&mut convert);
            polygon.interiors_mut(|rings| rings.iter_mut().for_each(&mut convert));
        }
        failure.map_or(Ok(()), Err)
    }

    /// Converts one ring's coordinates: those met lately from `recent`,
    /// the others by PROJ, all at once.
    fn convert(&mut self, ring: &mut [Coord<f64>]) -> Result<(), proj::ProjError> {
        let Some(proj) = &self.proj else {
            return Ok(());
        };
        self.misses.clear();
        self.missed_at.clear();
        for (at, c) in ring.iter_mut().enumerate() {
            let key = [c.x.to_bits(), c.y.to_bits()];
            match self.recent[slot(key)] {
                (k, converted) if k == key && key != NO_KEY => *c = converted,
                _ => {
                    self.misses.push(*c);
                    self.missed_at.push(at);
                }
            }
        }
        if self.misses.is_empty() {
            return Ok(());
        }
        proj.convert_array(&mut self.misses)?;
        for (&at, &converted) in self.missed_at.iter().zip(&self.misses) {
            let source = &mut ring[at];
            let key = [source.x.to_bits(), source.y.to_bits()];
            if key != NO_KEY {
                self.recent[slot(key)] = (key, converted);
            }
            *source = converted;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GeometryError {
    #[error(transparent)]
    Crs(#[from] CrsError),
    #[error(transparent)]
    OutOfRange(#[from] OutOfRange),
}

pub fn in_lon_lat_range(c: &Coord<f64>) -> bool {
    c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0
}

/// Area in square metres on the WGS 84 ellipsoid.
///
/// A parcel spans metres, so the ellipsoid is, to within a few parts in a
/// billion, the plane with the local radii of curvature at the parcel's
/// latitude: area = shoelace(lon, lat in radians) x M x N x cos(lat). It is
/// many times cheaper than the exact geodesic computation, which is kept for
/// shapes wider than a tenth of a degree.
pub fn ellipsoidal_area_m2(mp: &MultiPolygon<f64>) -> f64 {
    use geo::{BoundingRect, GeodesicArea};
    let Some(rect) = mp.bounding_rect() else {
        return 0.0;
    };
    if rect.width() > 0.1 || rect.height() > 0.1 {
        use geo::orient::{Direction, Orient};
        return mp.orient(Direction::Default).geodesic_area_unsigned();
    }
    const A: f64 = 6_378_137.0;
    const F: f64 = 1.0 / 298.257_223_563;
    let e2 = F * (2.0 - F);
    let phi = rect.center().y.to_radians();
    let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
    let n = A / w;
    let m = A * (1.0 - e2) / (w * w * w);
    let ring_area = |ring: &LineString<f64>| {
        let mut twice = 0.0;
        for pair in ring.0.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            twice += (a.x - rect.min().x) * (b.y - rect.min().y)
                - (b.x - rect.min().x) * (a.y - rect.min().y);
        }
        (twice / 2.0).abs()
    };
    let degrees2: f64 =
        mp.0.iter()
            .map(|p| ring_area(p.exterior()) - p.interiors().iter().map(ring_area).sum::<f64>())
            .sum();
    degrees2.abs() * (1f64.to_radians().powi(2)) * m * n * phi.cos()
}

/// The most vertices [`surely_valid`] judges (its work grows as their
/// square); a larger shape goes to GEOS.
const SURE_VERTICES: usize = 64;

/// Whether `mp` is certainly valid as GEOS (`ST_IsValid`) would judge it,
/// decided here for the common parcel: one polygon without holes, at most
/// [`SURE_VERTICES`] corners, whose edges meet only where neighbouring
/// edges share a corner, and never fold back along each other. Exact
/// predicates decide it, on the very coordinates the database receives.
/// `false` means "ask GEOS", not "invalid".
pub fn surely_valid(mp: &MultiPolygon<f64>) -> bool {
    use geo::kernels::{Kernel, Orientation, RobustKernel};
    let [polygon] = mp.0.as_slice() else {
        return false;
    };
    let ring = &polygon.exterior().0;
    if !polygon.interiors().is_empty() || ring.len() > SURE_VERTICES + 1 {
        return false;
    }
    // The corners, repeated ones once (GEOS allows repeats).
    let mut pts = [geo_types::Coord { x: 0.0, y: 0.0 }; SURE_VERTICES + 1];
    let mut len = 0;
    for c in ring {
        if !c.x.is_finite() || !c.y.is_finite() {
            return false;
        }
        if len == 0 || pts[len - 1] != *c {
            pts[len] = *c;
            len += 1;
        }
    }
    // Closed, with at least three distinct corners: `n` edges, edge `i`
    // from pts[i] to pts[i + 1].
    if len < 4 || pts[0] != pts[len - 1] {
        return false;
    }
    let pts = &pts[..len];
    let n = len - 1;
    let orient = |p, q, r| RobustKernel::orient2d(p, q, r);
    // q within the box of p and r (all three on one line).
    let between = |p: geo_types::Coord, q: geo_types::Coord, r: geo_types::Coord| {
        p.x.min(r.x) <= q.x && q.x <= p.x.max(r.x) && p.y.min(r.y) <= q.y && q.y <= p.y.max(r.y)
    };
    // Two edges p-q and q-r fold back along each other: r lies on the
    // line of p and q, on p's side of q.
    let folds = |p: geo_types::Coord, q: geo_types::Coord, r: geo_types::Coord| {
        orient(p, q, r) == Orientation::Collinear
            && if p.x != q.x {
                (r.x < q.x) == (p.x < q.x) && r.x != q.x
            } else {
                (r.y < q.y) == (p.y < q.y) && r.y != q.y
            }
    };
    let meet = |a, b, c, d| {
        let (o1, o2) = (orient(a, b, c), orient(a, b, d));
        let (o3, o4) = (orient(c, d, a), orient(c, d, b));
        let on = Orientation::Collinear;
        (o1 != o2 && o3 != o4)
            || (o1 == on && between(a, c, b))
            || (o2 == on && between(a, d, b))
            || (o3 == on && between(c, a, d))
            || (o4 == on && between(c, b, d))
    };
    for i in 0..n {
        // The edge after this one shares its end (the last edge's next is
        // the first).
        let (p, q) = (pts[i], pts[i + 1]);
        let r = if i + 1 == n { pts[1] } else { pts[i + 2] };
        if folds(p, q, r) {
            return false;
        }
        // Every edge that is not a neighbour of this one.
        for j in i + 2..n {
            if i == 0 && j == n - 1 {
                continue;
            }
            if meet(pts[i], pts[i + 1], pts[j], pts[j + 1]) {
                return false;
            }
        }
    }
    true
}

/// The EWKB of `mp`: MultiPolygon with SRID 4326, little-endian.
pub fn write_ewkb(out: &mut Vec<u8>, mp: &MultiPolygon<f64>) {
    const MULTIPOLYGON: u32 = 6;
    const POLYGON: u32 = 3;
    const HAS_SRID: u32 = 0x2000_0000;
    let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    out.push(1);
    out.extend_from_slice(&(MULTIPOLYGON | HAS_SRID).to_le_bytes());
    out.extend_from_slice(&SRID.to_le_bytes());
    out.extend_from_slice(&len(mp.0.len()));
    for polygon in &mp.0 {
        out.push(1);
        out.extend_from_slice(&POLYGON.to_le_bytes());
        out.extend_from_slice(&len(1 + polygon.interiors().len()));
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            out.extend_from_slice(&len(ring.0.len()));
            for c in &ring.0 {
                out.extend_from_slice(&c.x.to_le_bytes());
                out.extend_from_slice(&c.y.to_le_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::coord;

    fn square(x: f64, y: f64, size: f64, outer: bool) -> Ring {
        let mut coords = vec![
            coord! {x: x, y: y},
            coord! {x: x, y: y + size},
            coord! {x: x + size, y: y + size},
            coord! {x: x + size, y: y},
            coord! {x: x, y: y},
        ];
        if !outer {
            coords.reverse();
        }
        Ring { outer, coords }
    }

    #[test]
    fn holes_go_to_the_polygon_that_contains_them() {
        let mp = assemble(vec![
            square(0.0, 0.0, 10.0, true),
            square(20.0, 0.0, 10.0, true),
            square(22.0, 2.0, 2.0, false),
        ]);
        assert_eq!(mp.0.len(), 2);
        assert_eq!(mp.0[0].interiors().len(), 0);
        assert_eq!(mp.0[1].interiors().len(), 1);
    }

    #[test]
    fn a_hole_outside_every_polygon_becomes_a_polygon() {
        let mp = assemble(vec![square(0.0, 0.0, 1.0, false)]);
        assert_eq!(mp.0.len(), 1);
    }

    #[test]
    fn degenerate_rings_are_dropped_and_reported() {
        let mut mp = assemble(vec![square(0.0, 0.0, 1.0, true)]);
        assert!(!drop_degenerate(&mut mp));
        let mut bad = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]),
            vec![],
        )]);
        assert!(drop_degenerate(&mut bad));
        assert!(bad.0.is_empty());
    }

    #[test]
    fn local_area_agrees_with_the_geodesic_area_for_parcel_sized_shapes() {
        use geo::GeodesicArea;
        use geo::orient::{Direction, Orient};
        // A 10 m x 40 m lot with a hole, in Chicago; and one near the pole.
        for (lon, lat) in [(-87.75, 41.88), (10.0, 78.0), (151.2, -33.9)] {
            let mut outer = square(lon, lat, 0.0004, true);
            outer.coords[2].x += 0.0001;
            let hole = square(lon + 0.0001, lat + 0.0001, 0.0001, false);
            let mp = assemble(vec![outer, hole]);
            // Counter-clockwise first: the geodesic sum loses precision otherwise.
            let exact = mp.orient(Direction::Default).geodesic_area_unsigned();
            let local = ellipsoidal_area_m2(&mp);
            assert!(
                ((local - exact) / exact).abs() < 1e-5,
                "{local} vs {exact} at {lat}"
            );
        }
    }

    #[test]
    fn ewkb_has_the_srid_flag_and_every_vertex() {
        let mp = assemble(vec![square(1.0, 2.0, 1.0, true)]);
        let mut out = Vec::new();
        write_ewkb(&mut out, &mp);
        assert_eq!(out.len(), 1 + 4 + 4 + 4 + (1 + 4 + 4) + 4 + 5 * 16);
        assert_eq!(&out[1..5], &0x2000_0006u32.to_le_bytes());
        assert_eq!(&out[5..9], &4326u32.to_le_bytes());
    }

    #[test]
    fn illinois_east_feet_become_chicago_lon_lat() {
        let mut r = Reprojector::new("EPSG:3435", "EPSG:3435").unwrap();
        // A point in Austin, Chicago, in US survey feet.
        let mut mp = assemble(vec![square(1_140_000.0, 1_900_000.0, 100.0, true)]);
        r.apply(&mut mp).unwrap();
        let c = mp.0[0].exterior().0[0];
        assert!(
            (c.x + 87.77).abs() < 0.05 && (c.y - 41.88).abs() < 0.05,
            "{c:?}"
        );
    }

    #[test]
    fn corners_met_again_are_converted_exactly_as_proj_converts_them() {
        let mut r = Reprojector::new("EPSG:3435", "EPSG:3435").unwrap();
        let proj = Proj::new_known_crs("EPSG:3435", "EPSG:4326", None).unwrap();
        // A block of parcels sharing their corners, each corner met up to
        // four times and far more often than the table has slots; then
        // the first ones again, long after, when their slots were reused.
        let (x0, y0) = (1_140_000.0, 1_900_000.0);
        let mut squares: Vec<(f64, f64)> = (0..100)
            .flat_map(|i| {
                (0..100).map(move |j| (x0 + 25.0 * f64::from(i), y0 + 125.0 * f64::from(j)))
            })
            .collect();
        squares.extend_from_within(..50);
        for (x, y) in squares {
            let mut mp = assemble(vec![square(x, y, 25.0, true)]);
            let mut alone = mp.0[0].exterior().0.clone();
            for c in &mut alone {
                *c = proj.convert(*c).unwrap();
            }
            r.apply(&mut mp).unwrap();
            let bits = |cs: &[Coord<f64>]| -> Vec<(u64, u64)> {
                cs.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect()
            };
            assert_eq!(bits(&mp.0[0].exterior().0), bits(&alone), "{x} {y}");
        }
        // A coordinate with the bits of an empty slot is converted too (and
        // is no longitude).
        let nan = f64::from_bits(u64::MAX);
        let mut mp = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![coord! {x: nan, y: nan}; 4]),
            Vec::new(),
        )]);
        assert!(r.apply(&mut mp).is_err());
    }

    #[test]
    fn projected_coordinates_without_a_crs_are_out_of_range() {
        let mut mp = assemble(vec![square(1_140_000.0, 1_900_000.0, 100.0, true)]);
        let err = Reprojector::identity().apply(&mut mp).unwrap_err();
        assert!(matches!(err, GeometryError::OutOfRange(_)));
    }
}
