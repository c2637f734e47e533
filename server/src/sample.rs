//! `sidelot sample`: a deterministic synthetic neighbourhood, written as a
//! real shapefile in EPSG:3435 (NAD83 / Illinois East, US feet) as Cook
//! County publishes its parcels.
//!
//! Rectangular blocks are split lengthwise by an alley (5 m) into two rows
//! of lots 7-15 m wide and 28-42 m deep; streets (20 m) separate blocks.
//! Neighbouring lots share their vertices exactly. PINs follow Cook
//! County's pattern, their first 7 digits naming the block. About 5% of
//! lots are city-owned and vacant. The same size and seed give the same
//! bytes.
//!
//! Beside it, `<name>_owners.csv`: the neighbourhood's assessor's roll (for
//! `sidelot import owners`), one row per parcel, with the patterns real
//! rolls hold ("LAST FIRST", couples, trusts, companies, estates, "ET AL",
//! "CURRENT OWNER"), and mail mostly to the parcel itself.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use shapefile::{Point, Polygon, PolygonRing, ShapeWriter};

use crate::import::dbf::{DbfWriter, FieldSpec};

/// The ESRI WKT of EPSG:3435, as county .prj files spell it.
pub const EPSG_3435_ESRI_WKT: &str = concat!(
    r#"PROJCS["NAD_1983_StatePlane_Illinois_East_FIPS_1201_Feet","#,
    r#"GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983","#,
    r#"SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],"#,
    r#"UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],"#,
    r#"PARAMETER["False_Easting",984250.0],PARAMETER["False_Northing",0.0],"#,
    r#"PARAMETER["Central_Meridian",-88.33333333333333],PARAMETER["Scale_Factor",0.999975],"#,
    r#"PARAMETER["Latitude_Of_Origin",36.66666666666666],UNIT["Foot_US",0.3048006096012192]]"#
);

/// US survey feet per metre.
const FT: f64 = 3.280_833_333_333_333;
/// North-west corner of the neighbourhood, in EPSG:3435 feet (Chicago's
/// West Side).
const ORIGIN_X: f64 = 1_132_000.0;
const ORIGIN_Y: f64 = 1_902_000.0;
const STREET_M: f64 = 20.0;
const ALLEY_M: f64 = 5.0;

const STREETS: &[&str] = &[
    "WASHINGTON",
    "MADISON",
    "MONROE",
    "ADAMS",
    "JACKSON",
    "VAN BUREN",
    "CONGRESS",
    "HARRISON",
    "FLOURNOY",
    "LEXINGTON",
    "POLK",
    "ARTHINGTON",
    "FILLMORE",
    "TAYLOR",
    "ROOSEVELT",
    "GLADYS",
    "WILCOX",
    "FULTON",
    "WALNUT",
    "LAKE",
    "OHIO",
    "ERIE",
    "HURON",
    "SUPERIOR",
    "CHICAGO",
    "IOWA",
    "RICE",
    "AUGUSTA",
    "CORTEZ",
    "THOMAS",
    "CRYSTAL",
    "HIRSCH",
    "POTOMAC",
    "LE MOYNE",
    "KAMERLING",
    "GRAND",
    "DIVISION",
    "NORTH",
    "CONCORD",
    "WABANSIA",
];
const STREET_TYPES: &[&str] = &["ST", "AVE", "BLVD", "PL"];

#[derive(Debug, Clone)]
pub struct SampleOptions {
    /// How many parcels to write.
    pub parcels: u64,
    pub seed: u64,
    /// Folder to write into; created if missing.
    pub out_dir: PathBuf,
    /// File name without extension.
    pub name: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SampleSummary {
    pub shp: PathBuf,
    /// The neighbourhood's assessor's roll.
    pub owners: PathBuf,
    pub parcels: u64,
    pub blocks: u64,
    pub city_owned_vacant: u64,
}

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// Lot widths (metres) filling `length`, each within 7-15 m.
fn lot_widths(rng: &mut Rng, length: f64) -> Vec<f64> {
    let mut widths = Vec::new();
    let mut left = length;
    while left > 15.0 {
        let mut w = rng.range(7.0, 15.0);
        if left - w < 7.0 {
            w = left - 7.0;
        }
        widths.push(w);
        left -= w;
    }
    widths.push(left);
    widths
}

/// One lot, ready to write.
struct Lot {
    pin: String,
    house_no: u32,
    street_name: &'static str,
    street_type: &'static str,
    city_owned_vacant: bool,
    /// The ward, as Chicago's files give it (`WARD`).
    ward: &'static str,
    /// West, east, south, north edges in feet.
    ring: [f64; 4],
}

fn street(row: usize) -> (&'static str, &'static str) {
    (
        STREETS[row % STREETS.len()],
        STREET_TYPES[(row / STREETS.len()) % STREET_TYPES.len()],
    )
}

pub fn write_sample(opts: &SampleOptions) -> anyhow::Result<SampleSummary> {
    anyhow::ensure!(opts.parcels >= 1, "--parcels must be at least 1");
    anyhow::ensure!(
        opts.parcels <= 5_000_000,
        "--parcels must be at most 5,000,000"
    );
    std::fs::create_dir_all(&opts.out_dir)?;
    let base = opts.out_dir.join(&opts.name);
    let with_ext = |ext: &str| base.with_extension(ext);
    let mut shapes = ShapeWriter::with_shx(
        BufWriter::new(File::create(with_ext("shp"))?),
        BufWriter::new(File::create(with_ext("shx"))?),
    );
    let mut table = DbfWriter::new(
        BufWriter::new(File::create(with_ext("dbf"))?),
        vec![
            FieldSpec {
                name: "PIN14",
                kind: b'N',
                length: 19,
            },
            FieldSpec {
                name: "HOUSE_NO",
                kind: b'N',
                length: 6,
            },
            FieldSpec {
                name: "STREET_DIR",
                kind: b'C',
                length: 1,
            },
            FieldSpec {
                name: "STREET_NAM",
                kind: b'C',
                length: 16,
            },
            FieldSpec {
                name: "STREET_TYP",
                kind: b'C',
                length: 4,
            },
            FieldSpec {
                name: "LAND_USE",
                kind: b'C',
                length: 12,
            },
            FieldSpec {
                name: "CITY_OWNED",
                kind: b'L',
                length: 1,
            },
            FieldSpec {
                name: "WARD",
                kind: b'C',
                length: 2,
            },
        ],
    )?;
    let owners_path = opts.out_dir.join(format!("{}_owners.csv", opts.name));
    let mut roll = Roll::new(&owners_path, opts.seed)?;
    std::fs::write(with_ext("prj"), EPSG_3435_ESRI_WKT)?;
    std::fs::write(with_ext("cpg"), "UTF-8")?;

    let mut rng = Rng(opts.seed);
    // Square-ish: about 40 lots a block.
    let blocks_needed = opts.parcels.div_ceil(40).max(1);
    let columns = (blocks_needed as f64).sqrt().ceil() as u64;
    let mut written = 0u64;
    let mut vacant = 0u64;
    let mut block = 0u64;
    let mut blocks_used = 0u64;
    let mut y_top = ORIGIN_Y;
    let mut row = 0usize;
    'rows: loop {
        let depth_north = rng.range(28.0, 42.0);
        let depth_south = rng.range(28.0, 42.0);
        let block_depth = depth_north + ALLEY_M + depth_south;
        let mut x_west = ORIGIN_X;
        for col in 0..columns {
            let length = rng.range(150.0, 260.0);
            // Area, sub-area and block: the PIN's first 7 digits.
            let block_id = 1_600_000 + block;
            let (north_street, north_type) = street(row);
            let (south_street, south_type) = street(row + 1);
            let mut parcel = 0u32;
            for (side, depth) in [(0, depth_north), (1, depth_south)] {
                let (y_north, y_south) = if side == 0 {
                    (y_top, y_top - depth * FT)
                } else {
                    let y_s = y_top - block_depth * FT;
                    (y_s + depth * FT, y_s)
                };
                let mut x = x_west;
                let mut along = 0.0;
                for w in lot_widths(&mut rng, length) {
                    if written == opts.parcels {
                        break 'rows;
                    }
                    parcel += 1;
                    let x_east = x + w * FT;
                    // Chicago-style numbers: west of the baseline they rise
                    // westward, 800 to the mile; even on a street's south side.
                    let mid_m = (col as f64) * 280.0 + along + w / 2.0;
                    let base = 4000 + ((mid_m / 2.0) as u32);
                    let house_no = if side == 0 { base & !1 } else { base | 1 };
                    let owned_vacant = rng.range(0.0, 1.0) < 0.05;
                    vacant += u64::from(owned_vacant);
                    let (street_name, street_type) = if side == 0 {
                        (north_street, north_type)
                    } else {
                        (south_street, south_type)
                    };
                    let lot = Lot {
                        pin: format!("{block_id:07}{parcel:03}0000"),
                        house_no,
                        street_name,
                        street_type,
                        city_owned_vacant: owned_vacant,
                        ward: ward(col, columns),
                        ring: [x, x_east, y_south, y_north],
                    };
                    write_lot(&mut shapes, &mut table, &lot)?;
                    roll.write(&lot)?;
                    written += 1;
                    blocks_used = block + 1;
                    x = x_east;
                    along += w;
                }
            }
            block += 1;
            x_west += (length + STREET_M) * FT;
        }
        y_top -= (block_depth + STREET_M) * FT;
        row += 1;
    }
    shapes.finalize()?;
    table.finish()?;
    roll.finish()?;
    Ok(SampleSummary {
        shp: with_ext("shp"),
        owners: owners_path,
        parcels: written,
        blocks: blocks_used,
        city_owned_vacant: vacant,
    })
}

const SURNAMES: &[&str] = &[
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "RODRIGUEZ",
    "MARTINEZ",
    "LOPEZ",
    "DAVIS",
    "WASHINGTON",
    "JACKSON",
    "THOMPSON",
    "HERNANDEZ",
    "GONZALEZ",
    "ROBINSON",
    "HARRIS",
    "LEWIS",
    "WALKER",
    "OBRIEN",
    "KOWALSKI",
    "NOWAK",
    "NGUYEN",
    "PATEL",
    "KIM",
    "COLEMAN",
    "FRANKLIN",
];
const GIVEN: &[&str] = &[
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "LINDA",
    "MICHAEL",
    "BARBARA",
    "DAVID",
    "ELIZABETH",
    "JOSE",
    "MARIA",
    "LUIS",
    "ANA",
    "DOROTHY",
    "WILLIE",
    "ANNIE",
    "CARLOS",
    "ROSA",
    "TERRENCE",
    "KEISHA",
    "STANLEY",
    "HELEN",
    "MARCUS",
];
const ELSEWHERE: &[(&str, &str, &str)] = &[
    ("OAK PARK", "IL", "60302"),
    ("CICERO", "IL", "60804"),
    ("EVANSTON", "IL", "60201"),
    ("ATLANTA", "GA", "30310"),
    ("HOUSTON", "TX", "77004"),
    ("SCHAUMBURG", "IL", "60173"),
];

/// The neighbourhood's assessor's roll, written beside the shapefile (its
/// own generator, so that the parcels' bytes do not depend on it).
struct Roll {
    out: csv::Writer<BufWriter<File>>,
    rng: Rng,
}

impl Roll {
    fn new(path: &std::path::Path, seed: u64) -> anyhow::Result<Roll> {
        let mut out = csv::Writer::from_writer(BufWriter::new(File::create(path)?));
        out.write_record([
            "pin",
            "owner_name",
            "taxpayer_name",
            "mailing_address",
            "mail_city",
            "mail_state",
            "mail_zip",
        ])?;
        Ok(Roll {
            out,
            rng: Rng(seed ^ 0x6f77_6e65_7273),
        })
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.rng.next() % list.len() as u64) as usize]
    }

    fn write(&mut self, lot: &Lot) -> anyhow::Result<()> {
        let street = format!("{} W {} {}", lot.house_no, lot.street_name, lot.street_type);
        let (last, first) = (self.pick(SURNAMES), self.pick(GIVEN));
        let roll = self.rng.range(0.0, 1.0);
        let owner = if lot.city_owned_vacant {
            "CITY OF CHICAGO".to_owned()
        } else if roll < 0.55 {
            format!("{last} {first}")
        } else if roll < 0.70 {
            format!("{last} {first} & {}", self.pick(GIVEN))
        } else if roll < 0.75 {
            format!("{first} {last} TRUST")
        } else if roll < 0.80 {
            format!("{last} {first} ET AL")
        } else if roll < 0.85 {
            format!("{street} LLC")
        } else if roll < 0.88 {
            format!("ESTATE OF {first} {last}")
        } else if roll < 0.91 {
            format!("{last} {}", &first[..1])
        } else if roll < 0.93 {
            "CURRENT OWNER".to_owned()
        } else {
            format!("{first} {last}")
        };
        // Most pay their own taxes; some rolls name another taxpayer.
        let taxpayer = if self.rng.range(0.0, 1.0) < 0.1 && !lot.city_owned_vacant {
            format!("{} {}", self.pick(SURNAMES), self.pick(GIVEN))
        } else {
            String::new()
        };
        let (mail, city, state, zip) = if lot.city_owned_vacant || self.rng.range(0.0, 1.0) < 0.8 {
            (street, "CHICAGO", "IL", "60644")
        } else {
            let (city, state, zip) = ELSEWHERE[(self.rng.next() % ELSEWHERE.len() as u64) as usize];
            let number = 100 + self.rng.next() % 9_000;
            (
                format!(
                    "{number} N {} AVE",
                    self.pick(&["OAK", "MAIN", "ELM", "PARK"])
                ),
                city,
                state,
                zip,
            )
        };
        self.out
            .write_record([lot.pin.as_str(), &owner, &taxpayer, &mail, city, state, zip])?;
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// Wards as in Austin: three, west to east, by column of blocks.
fn ward(col: u64, columns: u64) -> &'static str {
    const WARDS: [&str; 3] = ["29", "37", "28"];
    WARDS[usize::try_from(col * 3 / columns.max(1))
        .unwrap_or(0)
        .min(2)]
}

fn write_lot(
    shapes: &mut ShapeWriter<BufWriter<File>>,
    table: &mut DbfWriter<BufWriter<File>>,
    lot: &Lot,
) -> anyhow::Result<()> {
    let [w, e, s, n] = lot.ring;
    // Outer rings run clockwise in shapefiles.
    let ring = vec![
        Point::new(w, s),
        Point::new(w, n),
        Point::new(e, n),
        Point::new(e, s),
        Point::new(w, s),
    ];
    shapes.write_shape(&Polygon::with_rings(vec![PolygonRing::Outer(ring)]))?;
    let house_no = lot.house_no.to_string();
    table.write(&[
        Some(&lot.pin),
        Some(&house_no),
        Some("W"),
        Some(lot.street_name),
        Some(lot.street_type),
        Some(if lot.city_owned_vacant {
            "VACANT"
        } else {
            "RESIDENTIAL"
        }),
        Some(if lot.city_owned_vacant { "T" } else { "F" }),
        Some(lot.ward),
    ])?;
    Ok(())
}
