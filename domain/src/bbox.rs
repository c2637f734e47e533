//! Bounding boxes in longitude/latitude (EPSG:4326), as the map asks for them.

use std::fmt;

/// The largest area, in square degrees, that one parcel request may cover
/// (about 25 km x 28 km at Chicago's latitude). A map zoomed out further
/// than that shows no individual parcels anyway.
pub const MAX_BBOX_AREA_SQ_DEG: f64 = 0.1;

/// A validated bounding box: finite, within lon/lat ranges, min < max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

/// Why a `bbox` parameter was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BBoxError {
    #[error(
        "The map area must be four comma-separated numbers minLon,minLat,maxLon,maxLat; got {0} value(s)."
    )]
    WrongCount(usize),
    #[error("The map area's {name} is not a number: {value:?}.")]
    NotANumber { name: &'static str, value: String },
    #[error("The map area's {name} must be a finite number, got {value}.")]
    NotFinite { name: &'static str, value: String },
    #[error(
        "The map area's {name} = {value} is out of range: longitudes lie in [-180, 180], latitudes in [-90, 90]."
    )]
    OutOfRange { name: &'static str, value: f64 },
    #[error("The map area's {min_name} ({min}) must be less than its {max_name} ({max}).")]
    Inverted {
        min_name: &'static str,
        min: f64,
        max_name: &'static str,
        max: f64,
    },
    #[error("The map area covers {area:.4} square degrees, more than the {max} allowed: zoom in.")]
    TooLarge { area: f64, max: f64 },
}

const NAMES: [&str; 4] = ["minLon", "minLat", "maxLon", "maxLat"];

impl BBox {
    /// Parses `minLon,minLat,maxLon,maxLat`, at most
    /// [`MAX_BBOX_AREA_SQ_DEG`] square degrees (what the map asks for).
    pub fn parse(raw: &str) -> Result<BBox, BBoxError> {
        let bbox = BBox::parse_any_size(raw)?;
        if bbox.area() > MAX_BBOX_AREA_SQ_DEG {
            return Err(BBoxError::TooLarge {
                area: bbox.area(),
                max: MAX_BBOX_AREA_SQ_DEG,
            });
        }
        Ok(bbox)
    }

    /// Parses `minLon,minLat,maxLon,maxLat` of any size, the whole world
    /// included (what GIS clients of the OGC API send).
    pub fn parse_any_size(raw: &str) -> Result<BBox, BBoxError> {
        let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(BBoxError::WrongCount(if raw.trim().is_empty() {
                0
            } else {
                parts.len()
            }));
        }
        let mut v = [0f64; 4];
        for (i, part) in parts.iter().enumerate() {
            let name = NAMES[i];
            let x: f64 = part.parse().map_err(|_| BBoxError::NotANumber {
                name,
                value: (*part).to_owned(),
            })?;
            if !x.is_finite() {
                return Err(BBoxError::NotFinite {
                    name,
                    value: (*part).to_owned(),
                });
            }
            let limit = if i % 2 == 0 { 180.0 } else { 90.0 };
            if x.abs() > limit {
                return Err(BBoxError::OutOfRange { name, value: x });
            }
            v[i] = x;
        }
        for axis in 0..2 {
            if v[axis] >= v[axis + 2] {
                return Err(BBoxError::Inverted {
                    min_name: NAMES[axis],
                    min: v[axis],
                    max_name: NAMES[axis + 2],
                    max: v[axis + 2],
                });
            }
        }
        Ok(BBox {
            min_lon: v[0],
            min_lat: v[1],
            max_lon: v[2],
            max_lat: v[3],
        })
    }

    /// Area in square degrees.
    pub fn area(&self) -> f64 {
        (self.max_lon - self.min_lon) * (self.max_lat - self.min_lat)
    }
}

impl fmt::Display for BBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            self.min_lon, self.min_lat, self.max_lon, self.max_lat
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_well_formed_bbox_parses() {
        let b = BBox::parse("-87.77, 41.88,-87.76,41.89").unwrap();
        assert_eq!(b.min_lon, -87.77);
        assert_eq!(b.max_lat, 41.89);
    }

    #[test]
    fn the_whole_world_parses_only_without_the_size_limit() {
        let world = "-180,-90,180,90";
        assert!(matches!(
            BBox::parse(world),
            Err(BBoxError::TooLarge { .. })
        ));
        assert_eq!(BBox::parse_any_size(world).unwrap().area(), 360.0 * 180.0);
        assert_eq!(BBox::parse_any_size("1,2,3"), Err(BBoxError::WrongCount(3)));
    }

    #[test]
    fn each_kind_of_bad_bbox_names_its_problem() {
        assert_eq!(BBox::parse(""), Err(BBoxError::WrongCount(0)));
        assert_eq!(BBox::parse("1,2,3"), Err(BBoxError::WrongCount(3)));
        assert!(matches!(
            BBox::parse("a,2,3,4"),
            Err(BBoxError::NotANumber { name: "minLon", .. })
        ));
        assert!(matches!(
            BBox::parse("1,NaN,3,4"),
            Err(BBoxError::NotFinite { name: "minLat", .. })
        ));
        assert!(matches!(
            BBox::parse("1,2,inf,4"),
            Err(BBoxError::NotFinite { name: "maxLon", .. })
        ));
        assert!(matches!(
            BBox::parse("1,2,3,91"),
            Err(BBoxError::OutOfRange { name: "maxLat", .. })
        ));
        assert!(matches!(
            BBox::parse("-87.7,41.8,-87.8,41.9"),
            Err(BBoxError::Inverted {
                min_name: "minLon",
                ..
            })
        ));
        assert!(matches!(
            BBox::parse("-87.8,41.9,-87.7,41.9"),
            Err(BBoxError::Inverted {
                min_name: "minLat",
                ..
            })
        ));
        assert!(matches!(
            BBox::parse("-88,41,-87,42"),
            Err(BBoxError::TooLarge { .. })
        ));
    }

    proptest! {
        #[test]
        fn any_accepted_bbox_is_ordered_in_range_and_small(raw in "[-0-9.,a-z ]{0,40}") {
            if let Ok(b) = BBox::parse(&raw) {
                prop_assert!(b.min_lon < b.max_lon && b.min_lat < b.max_lat);
                prop_assert!(b.min_lon >= -180.0 && b.max_lon <= 180.0);
                prop_assert!(b.min_lat >= -90.0 && b.max_lat <= 90.0);
                prop_assert!(b.area() <= MAX_BBOX_AREA_SQ_DEG);
            }
        }

        #[test]
        fn a_bbox_round_trips_through_its_text(
            lon in -180.0f64..179.0, lat in -90.0f64..89.0,
            w in 0.0001f64..0.3, h in 0.0001f64..0.3
        ) {
            let raw = format!("{lon},{lat},{},{}", lon + w, lat + h);
            if let Ok(b) = BBox::parse(&raw) {
                prop_assert_eq!(BBox::parse(&b.to_string()).unwrap(), b);
            }
        }
    }
}
