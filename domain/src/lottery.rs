//! The lottery anyone can verify (`sidelot-lottery-v1`, see
//! docs/lottery.md): the entrants are committed to before the draw, the
//! randomness comes from a source named in advance, and every order follows
//! from published data by SHA-256 alone.
//!
//! The server draws with this code, the CLI verifies with it, and the
//! browser's **Verify** button runs it compiled to WebAssembly.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::drand::{self, Beacon, BeaconError};
use crate::lang::Lang;
use crate::messages::{Msg, fill, text_in};
use crate::pin::dashed;

/// The algorithm this module implements. A changed algorithm gets a new name.
pub const ALGORITHM: &str = "sidelot-lottery-v1";

/// The entrants for one lot, by their public ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotEntrants {
    pub lot: String,
    pub entrants: Vec<String>,
}

/// The drawn order for one lot: rank 1 first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotOrder {
    pub lot: String,
    pub order: Vec<String>,
}

/// What sidelot publishes for a round's lottery: the commitment, then,
/// once drawn, the randomness, the seed and the orders. This JSON file is
/// all a verifier needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lottery {
    pub algorithm: String,
    pub round: String,
    /// Which draw of the round this is: 1, or more after a recorded redraw.
    pub draw_number: u32,
    /// Why the round was drawn again (draw_number > 1).
    pub redraw_reason: Option<String>,
    /// The statement text, exactly as hashed.
    pub statement: String,
    /// Lots in PIN order, entrants in canonical order.
    pub entrants: Vec<LotEntrants>,
    pub entrants_sha256: String,
    /// Named in advance: where the randomness will come from.
    pub randomness_source: String,
    /// The public randomness value, once it exists and was entered.
    pub randomness: Option<String>,
    /// The drand beacon the randomness is from, when the source names a
    /// drand round: anyone can check its signature again.
    #[serde(default)]
    pub beacon: Option<Beacon>,
    /// SHA-256 of statement, entrant hash and randomness, in hex.
    pub seed: Option<String>,
    /// Per lot, in PIN order, once drawn.
    pub results: Vec<LotOrder>,
    /// RFC 3339.
    pub committed_at: String,
    pub drawn_at: Option<String>,
}

/// What is wrong with the entrants or the source before committing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    #[error("{0:?} cannot be a lot or entrant identifier: use letters, digits and '-' only")]
    BadIdentifier(String),
    #[error("the randomness source must be one line of text, not empty")]
    BadSource,
    #[error("a redraw needs its reason, on one line")]
    BadReason,
    #[error("lot {0} is listed twice")]
    DuplicateLot(String),
    #[error("lot {0} has fewer than two entrants: there is nothing to draw")]
    Uncontested(String),
}

/// One thing a verification found different.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// `algorithm`, `entrants_sha256`, `statement`, `seed`, or `lot PIN`.
    pub what: String,
    pub published: String,
    pub computed: String,
}

impl Difference {
    /// What differs, in words in `lang` (`what` names it by its key:
    /// `seed`, `lot 16...`).
    pub fn what_in(&self, lang: Lang) -> String {
        let key = match self.what.as_str() {
            "algorithm" => Msg::LotteryWhatAlgorithm,
            "entrants_sha256" => Msg::LotteryWhatEntrants,
            "statement" => Msg::LotteryWhatStatement,
            "seed" => Msg::LotteryWhatSeed,
            "lots drawn" => Msg::LotteryWhatLots,
            "beacon" => Msg::LotteryWhatBeacon,
            "randomness" => Msg::LotteryWhatRandomness,
            other => {
                return match other.strip_prefix("lot ") {
                    Some(pin) => fill(text_in(lang, Msg::LotteryWhatLot), &[&dashed(pin)]),
                    None => other.to_owned(),
                };
            }
        };
        text_in(lang, key).to_owned()
    }
}

fn identifier_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn sorted_unique(ids: &[String]) -> Vec<String> {
    let mut v = ids.to_vec();
    v.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    v.dedup();
    v
}

/// The entrants in canonical order: lots by PIN, ids sorted bytewise and
/// without repeats. Submission order and time play no part.
pub fn canonical(lots: &[LotEntrants]) -> Vec<LotEntrants> {
    let mut out: Vec<LotEntrants> = lots
        .iter()
        .map(|l| LotEntrants {
            lot: l.lot.clone(),
            entrants: sorted_unique(&l.entrants),
        })
        .collect();
    out.sort_unstable_by(|a, b| a.lot.as_bytes().cmp(b.lot.as_bytes()));
    out
}

/// The canonical text: one line per lot, `PIN:id,id,...\n`.
pub fn canonical_text(lots: &[LotEntrants]) -> String {
    canonical(lots)
        .iter()
        .map(|l| format!("{}:{}\n", l.lot, l.entrants.join(",")))
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The statement committed to before the draw. A redraw (draw number 2
/// and up) says so, and why, on two more lines after the round.
pub fn statement(
    round: &str,
    draw: (u32, Option<&str>),
    lots: &[LotEntrants],
    entrants_sha256: &str,
    source: &str,
) -> String {
    let lots = canonical(lots);
    let total: usize = lots.iter().map(|l| l.entrants.len()).sum();
    let redraw = match draw {
        (n, reason) if n > 1 => format!("draw: {n}\nredraw_reason: {}\n", reason.unwrap_or("")),
        _ => String::new(),
    };
    format!(
        "sidelot lottery statement\nalgorithm: {ALGORITHM}\nround: {round}\n{redraw}lots: {}\nentrants: {total}\n\
         entrants_sha256: {entrants_sha256}\nrandomness_source: {source}\n",
        lots.len()
    )
}

/// The length as 8 bytes big-endian, then the bytes.
fn framed(h: &mut Sha256, data: &[u8]) {
    h.update((data.len() as u64).to_be_bytes());
    h.update(data);
}

/// SHA-256 over the statement, the entrant hash and the randomness, each
/// framed by its length.
pub fn seed(statement: &str, entrants_sha256: &str, randomness: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    framed(&mut h, statement.as_bytes());
    framed(&mut h, entrants_sha256.as_bytes());
    framed(&mut h, randomness.as_bytes());
    h.finalize().into()
}

/// 32-bit words from SHA-256 in counter mode over the seed and a lot's PIN.
struct Stream<'a> {
    seed: &'a [u8; 32],
    lot: &'a str,
    counter: u64,
    block: [u8; 32],
    at: usize,
}

impl<'a> Stream<'a> {
    fn new(seed: &'a [u8; 32], lot: &'a str) -> Stream<'a> {
        Stream {
            seed,
            lot,
            counter: 0,
            block: [0; 32],
            at: 32,
        }
    }

    fn word(&mut self) -> u32 {
        if self.at == 32 {
            let mut h = Sha256::new();
            h.update(self.seed);
            framed(&mut h, self.lot.as_bytes());
            h.update(self.counter.to_be_bytes());
            self.block = h.finalize().into();
            self.counter += 1;
            self.at = 0;
        }
        let w = u32::from_be_bytes([
            self.block[self.at],
            self.block[self.at + 1],
            self.block[self.at + 2],
            self.block[self.at + 3],
        ]);
        self.at += 4;
        w
    }

    /// Uniform in `0..m` by rejection sampling: no modulo bias.
    fn below(&mut self, m: u32) -> u32 {
        let m64 = u64::from(m.max(1));
        let limit = (1u64 << 32) - ((1u64 << 32) % m64);
        loop {
            let x = u64::from(self.word());
            if x < limit {
                return (x % m64) as u32;
            }
        }
    }
}

/// The drawn order of one lot's entrants: a Fisher-Yates shuffle of the
/// canonical order, driven by the lot's stream.
pub fn order(seed: &[u8; 32], lot: &str, entrants: &[String]) -> Vec<String> {
    let mut a = sorted_unique(entrants);
    let mut s = Stream::new(seed, lot);
    for i in (1..a.len()).rev() {
        let j = s.below(i as u32 + 1) as usize;
        a.swap(i, j);
    }
    a
}

/// The commitment for a round: canonical entrants, their hash, the
/// statement. Not drawn yet.
pub fn commit(
    round: &str,
    lots: &[LotEntrants],
    source: &str,
    committed_at: &str,
) -> Result<Lottery, CommitError> {
    commit_draw(round, 1, None, lots, source, committed_at)
}

/// [`commit`] for draw number `draw_number` of the round: a redraw (2 and
/// up) must give its reason, which the statement carries.
pub fn commit_draw(
    round: &str,
    draw_number: u32,
    redraw_reason: Option<&str>,
    lots: &[LotEntrants],
    source: &str,
    committed_at: &str,
) -> Result<Lottery, CommitError> {
    let source = source.trim();
    if source.is_empty() || source.contains(['\n', '\r']) {
        return Err(CommitError::BadSource);
    }
    let reason = redraw_reason.map(str::trim).filter(|r| !r.is_empty());
    if draw_number > 1 && reason.is_none_or(|r| r.contains(['\n', '\r'])) {
        return Err(CommitError::BadReason);
    }
    let reason = reason.filter(|_| draw_number > 1);
    let lots = canonical(lots);
    for (i, l) in lots.iter().enumerate() {
        if !identifier_ok(&l.lot) {
            return Err(CommitError::BadIdentifier(l.lot.clone()));
        }
        if i > 0 && lots[i - 1].lot == l.lot {
            return Err(CommitError::DuplicateLot(l.lot.clone()));
        }
        if let Some(bad) = l.entrants.iter().find(|e| !identifier_ok(e)) {
            return Err(CommitError::BadIdentifier(bad.clone()));
        }
        if l.entrants.len() < 2 {
            return Err(CommitError::Uncontested(l.lot.clone()));
        }
    }
    let digest = sha256_hex(canonical_text(&lots).as_bytes());
    Ok(Lottery {
        algorithm: ALGORITHM.into(),
        round: round.into(),
        draw_number: draw_number.max(1),
        redraw_reason: reason.map(str::to_owned),
        statement: statement(round, (draw_number, reason), &lots, &digest, source),
        entrants: lots,
        entrants_sha256: digest,
        randomness_source: source.into(),
        randomness: None,
        beacon: None,
        seed: None,
        results: Vec::new(),
        committed_at: committed_at.into(),
        drawn_at: None,
    })
}

/// The draw: the committed lottery with the randomness, the seed and every
/// lot's order.
pub fn draw(committed: &Lottery, randomness: &str, drawn_at: &str) -> Lottery {
    let s = seed(&committed.statement, &committed.entrants_sha256, randomness);
    let results = committed
        .entrants
        .iter()
        .map(|l| LotOrder {
            lot: l.lot.clone(),
            order: order(&s, &l.lot, &l.entrants),
        })
        .collect();
    Lottery {
        randomness: Some(randomness.into()),
        beacon: None,
        seed: Some(s.iter().map(|b| format!("{b:02x}")).collect()),
        results,
        drawn_at: Some(drawn_at.into()),
        ..committed.clone()
    }
}

/// The draw with the beacon of the drand round the commitment names: the
/// beacon is checked (round, signature, randomness) before anything is
/// drawn, and the published lottery carries it.
pub fn draw_beacon(
    committed: &Lottery,
    beacon: &Beacon,
    drawn_at: &str,
) -> Result<Lottery, BeaconError> {
    let (chain, round) = drand::committed_round(&committed.randomness_source)
        .ok_or(BeaconError::NoCommittedRound)?;
    beacon.check(&chain, round)?;
    Ok(Lottery {
        beacon: Some(beacon.clone()),
        ..draw(committed, &beacon.randomness, drawn_at)
    })
}

/// When the source names a drand round and the lottery is drawn: the
/// published beacon must be that round's, verify against the chain's key,
/// and be the randomness drawn with.
fn beacon_differences(published: &Lottery, randomness: &str) -> Vec<Difference> {
    let Some((chain, round)) = drand::committed_round(&published.randomness_source) else {
        return Vec::new();
    };
    let Some(beacon) = &published.beacon else {
        return vec![Difference {
            what: "beacon".into(),
            published: "none".into(),
            computed: format!("the beacon of drand {} round {round}", chain.name),
        }];
    };
    let mut out = Vec::new();
    if let Err(e) = beacon.check(&chain, round) {
        out.push(Difference {
            what: "beacon".into(),
            published: format!("round {}, signature {}", beacon.round, beacon.signature),
            computed: e.to_string(),
        });
    }
    if beacon.randomness != randomness {
        out.push(Difference {
            what: "randomness".into(),
            published: randomness.into(),
            computed: beacon.randomness.clone(),
        });
    }
    out
}

/// Recomputes everything from the published entrants, source and
/// randomness, and checks the drand beacon when the source names one; an
/// empty answer means it all matches.
pub fn verify(published: &Lottery) -> Vec<Difference> {
    let mut out = verify_draw(published);
    if let Some(randomness) = &published.randomness {
        out.extend(beacon_differences(published, randomness));
    }
    out
}

fn verify_draw(published: &Lottery) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut differ = |what: &str, published: &str, computed: &str| {
        if published != computed {
            out.push(Difference {
                what: what.into(),
                published: published.into(),
                computed: computed.into(),
            });
        }
    };
    differ("algorithm", &published.algorithm, ALGORITHM);
    let digest = sha256_hex(canonical_text(&published.entrants).as_bytes());
    differ("entrants_sha256", &published.entrants_sha256, &digest);
    let text = statement(
        &published.round,
        (published.draw_number, published.redraw_reason.as_deref()),
        &published.entrants,
        &digest,
        &published.randomness_source,
    );
    differ("statement", &published.statement, &text);
    let Some(randomness) = &published.randomness else {
        return out;
    };
    let s = seed(&text, &digest, randomness);
    let hex: String = s.iter().map(|b| format!("{b:02x}")).collect();
    differ("seed", published.seed.as_deref().unwrap_or(""), &hex);
    let lots = canonical(&published.entrants);
    let results: Vec<&str> = published.results.iter().map(|r| r.lot.as_str()).collect();
    let entrant_lots: Vec<&str> = lots.iter().map(|l| l.lot.as_str()).collect();
    differ("lots drawn", &results.join(","), &entrant_lots.join(","));
    let given: std::collections::BTreeMap<&str, &Vec<String>> = published
        .results
        .iter()
        .map(|r| (r.lot.as_str(), &r.order))
        .collect();
    for l in &lots {
        let computed = order(&s, &l.lot, &l.entrants).join(",");
        let given = given
            .get(l.lot.as_str())
            .map(|o| o.join(","))
            .unwrap_or_default();
        differ(&format!("lot {}", l.lot), &given, &computed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_is_named_in_words_in_each_language() {
        let d = |what: &str| Difference {
            what: what.into(),
            published: String::new(),
            computed: String::new(),
        };
        assert_eq!(d("seed").what_in(Lang::En), "The seed");
        assert_eq!(d("seed").what_in(Lang::Es), "La semilla");
        assert_eq!(
            d("lot 16151130040000").what_in(Lang::Es),
            "El orden del lote 16-15-113-004-0000"
        );
    }

    fn lots(spec: &[(&str, &[&str])]) -> Vec<LotEntrants> {
        spec.iter()
            .map(|(lot, ids)| LotEntrants {
                lot: (*lot).into(),
                entrants: ids.iter().map(|s| (*s).into()).collect(),
            })
            .collect()
    }

    /// The vectors of docs/lottery.md, also computed by the independent
    /// Python implementation in scripts/lottery_reference.py.
    fn vectors() -> Vec<(&'static str, Vec<LotEntrants>, &'static str, &'static str)> {
        let twelve: Vec<String> = (0..12).map(|i| format!("E-{i:04}")).collect();
        let twelve: Vec<&str> = twelve.iter().map(String::as_str).collect();
        vec![
            (
                "vector-1",
                lots(&[(
                    "13323090220000",
                    &["E-AAAA-0001", "E-AAAA-0002", "E-AAAA-0003"],
                )]),
                "drand quicknet round 1000000",
                "0123456789abcdef",
            ),
            (
                "vector-2",
                lots(&[
                    ("16161010250000", &["E-7K2Q-M9XD", "E-0000-0000"]),
                    (
                        "13323090220000",
                        &[
                            "E-ZZZZ-ZZZZ",
                            "E-1111-1111",
                            "E-5555-5555",
                            "E-9999-9999",
                            "E-3333-3333",
                        ],
                    ),
                ]),
                "Public dice ceremony, City Hall, 2027-05-03 10:00",
                "6 2 5 1 4 4 3 6 1 2",
            ),
            ("vector-3", lots(&[("01", &twelve)]), "beacon round 42", ""),
        ]
    }

    pub(super) const EXPECTED: &str = "\
vector-1 entrants_sha256 7ff3ee92a0abbaa49bf9d28ee6e2df1941e06406489ad27c42ff7f9cb611b182
vector-1 seed feaf0d6dc08de0e5fb25d02080a02442e4bc79444e1280833c051ae669fcce22
vector-1 order 13323090220000 E-AAAA-0003,E-AAAA-0001,E-AAAA-0002
vector-2 entrants_sha256 43796a20eba7f52e18c2ebd6b78689f80b9cf6eb58a049f89b796455fb51a723
vector-2 seed 4ac8ebb944dfba8e85cf3bc2eae47879a7fe08821ed195c935f2dffc113757ea
vector-2 order 13323090220000 E-ZZZZ-ZZZZ,E-3333-3333,E-5555-5555,E-1111-1111,E-9999-9999
vector-2 order 16161010250000 E-7K2Q-M9XD,E-0000-0000
vector-3 entrants_sha256 f0e0f2157a57ac90eab0a72c289c3d6a30500152b2a930059fe70bd09967c6ab
vector-3 seed 9b752dc0112dc1fbcba3090f649bd810a15d4cb0adc07fd1b3a139684c3a82a4
vector-3 order 01 E-0011,E-0008,E-0009,E-0007,E-0006,E-0001,E-0003,E-0005,E-0002,E-0000,E-0010,E-0004
";

    fn vector_lines() -> String {
        let mut out = String::new();
        for (slug, entrants, source, randomness) in vectors() {
            let committed = commit(slug, &entrants, source, "t").unwrap_or_else(|e| panic!("{e}"));
            let drawn = draw(&committed, randomness, "t");
            out.push_str(&format!(
                "{slug} entrants_sha256 {}\n",
                drawn.entrants_sha256
            ));
            out.push_str(&format!(
                "{slug} seed {}\n",
                drawn.seed.clone().unwrap_or_default()
            ));
            for r in &drawn.results {
                out.push_str(&format!("{slug} order {} {}\n", r.lot, r.order.join(",")));
            }
            assert!(verify(&drawn).is_empty(), "{:?}", verify(&drawn));
        }
        out
    }

    #[test]
    fn known_answers_match_the_reference_and_the_docs() {
        assert_eq!(vector_lines(), EXPECTED);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/lottery.md");
        let guide = std::fs::read_to_string(&path).unwrap_or_default();
        for line in EXPECTED.lines() {
            assert!(
                guide.contains(line),
                "docs/lottery.md lacks the vector line {line}"
            );
        }
    }

    #[test]
    fn the_statement_is_exactly_as_documented() {
        let committed = commit(
            "vector-1",
            &vectors()[0].1,
            "drand quicknet round 1000000",
            "t",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            committed.statement,
            "sidelot lottery statement\nalgorithm: sidelot-lottery-v1\nround: vector-1\nlots: 1\nentrants: 3\n\
             entrants_sha256: 7ff3ee92a0abbaa49bf9d28ee6e2df1941e06406489ad27c42ff7f9cb611b182\n\
             randomness_source: drand quicknet round 1000000\n"
        );
    }

    #[test]
    fn a_redraw_says_so_and_why_in_its_statement() {
        let (_, entrants, source, randomness) = vectors().swap_remove(0);
        let again = commit_draw(
            "r",
            2,
            Some("the beacon round was skipped"),
            &entrants,
            source,
            "t",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            again.statement.contains(
                "round: r\ndraw: 2\nredraw_reason: the beacon round was skipped\nlots: 1\n"
            )
        );
        let drawn = draw(&again, randomness, "t");
        assert!(verify(&drawn).is_empty());
        let mut hidden = drawn.clone();
        hidden.redraw_reason = Some("another reason".into());
        assert!(
            !verify(&hidden).is_empty(),
            "the reason is part of what is verified"
        );
        assert_eq!(
            commit_draw("r", 2, None, &entrants, source, "t"),
            Err(CommitError::BadReason)
        );
    }

    #[test]
    fn submission_order_and_listing_order_change_nothing() {
        let (_, entrants, source, randomness) = vectors().swap_remove(1);
        let a = draw(
            &commit("r", &entrants, source, "t").unwrap_or_else(|e| panic!("{e}")),
            randomness,
            "t",
        );
        // The same entrants, lots and ids listed in reverse, one id repeated.
        let mut reversed: Vec<LotEntrants> = entrants
            .iter()
            .rev()
            .map(|l| {
                let mut ids: Vec<String> = l.entrants.iter().rev().cloned().collect();
                ids.push(ids[0].clone());
                LotEntrants {
                    lot: l.lot.clone(),
                    entrants: ids,
                }
            })
            .collect();
        reversed.rotate_left(1);
        let b = draw(
            &commit("r", &reversed, source, "t").unwrap_or_else(|e| panic!("{e}")),
            randomness,
            "t",
        );
        assert_eq!(a, b);
    }

    #[test]
    fn tampering_with_entrants_or_randomness_is_found() {
        let (_, entrants, source, randomness) = vectors().swap_remove(1);
        let drawn = draw(
            &commit("r", &entrants, source, "t").unwrap_or_else(|e| panic!("{e}")),
            randomness,
            "t",
        );
        assert!(verify(&drawn).is_empty());
        let what = |l: &Lottery| verify(l).into_iter().map(|d| d.what).collect::<Vec<_>>();

        let mut changed = drawn.clone();
        changed.entrants[0].entrants[0] = "E-1111-1112".into();
        assert!(
            what(&changed).contains(&"entrants_sha256".to_owned()),
            "{:?}",
            what(&changed)
        );

        let mut added = drawn.clone();
        added.entrants[0].entrants.push("E-ZZZZ-ZZZY".into());
        assert!(what(&added).contains(&"entrants_sha256".to_owned()));

        let mut removed = drawn.clone();
        removed.entrants[0].entrants.pop();
        assert!(what(&removed).contains(&"entrants_sha256".to_owned()));

        let mut other_randomness = drawn.clone();
        other_randomness.randomness = Some("6 2 5 1 4 4 3 6 1 3".into());
        assert_eq!(what(&other_randomness)[0], "seed");

        let mut swapped = drawn.clone();
        swapped.results[0].order.swap(0, 1);
        assert_eq!(what(&swapped), [format!("lot {}", drawn.results[0].lot)]);

        let mut source_changed = drawn.clone();
        source_changed.randomness_source = "another beacon".into();
        assert!(what(&source_changed).contains(&"statement".to_owned()));
    }

    #[test]
    fn a_drand_draw_carries_its_beacon_and_verify_checks_it() {
        use crate::drand::{QUICKNET, QUICKNET_ROUND_123};
        let (_, entrants, _, _) = vectors().swap_remove(1);
        let beacon = Beacon::parse(QUICKNET_ROUND_123).unwrap_or_else(|e| panic!("{e}"));
        let committed =
            commit("r", &entrants, &QUICKNET.source(123), "t").unwrap_or_else(|e| panic!("{e}"));
        let drawn = draw_beacon(&committed, &beacon, "t").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            drawn.randomness.as_deref(),
            Some(beacon.randomness.as_str())
        );
        assert_eq!(drawn.beacon.as_ref(), Some(&beacon));
        assert!(verify(&drawn).is_empty(), "{:?}", verify(&drawn));
        // The same as drawing with the randomness by hand: the algorithm is unchanged.
        assert_eq!(drawn.seed, draw(&committed, &beacon.randomness, "t").seed);
        let what = |l: &Lottery| verify(l).into_iter().map(|d| d.what).collect::<Vec<_>>();

        let mut no_beacon = drawn.clone();
        no_beacon.beacon = None;
        assert_eq!(what(&no_beacon), ["beacon"]);

        let mut signature = drawn.clone();
        if let Some(b) = signature.beacon.as_mut() {
            b.signature.replace_range(20..21, "0");
        }
        assert_eq!(what(&signature), ["beacon"]);

        // Randomness, beacon and seed changed together: the beacon gives it away.
        let mut randomness = drawn.clone();
        let other = "0".repeat(64);
        if let Some(b) = randomness.beacon.as_mut() {
            b.randomness = other.clone();
        }
        let redrawn = draw(&committed, &other, "t");
        randomness.randomness = redrawn.randomness;
        randomness.seed = redrawn.seed;
        randomness.results = redrawn.results;
        assert_eq!(what(&randomness), ["beacon"]);

        let mut round = drawn.clone();
        if let Some(b) = round.beacon.as_mut() {
            b.round = 124;
        }
        assert_eq!(what(&round), ["beacon"]);

        let other_round =
            commit("r", &entrants, &QUICKNET.source(124), "t").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            draw_beacon(&other_round, &beacon, "t"),
            Err(BeaconError::WrongRound {
                given: 123,
                committed: 124
            })
        );
        let dice = commit("r", &entrants, "dice", "t").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            draw_beacon(&dice, &beacon, "t"),
            Err(BeaconError::NoCommittedRound)
        );
    }

    #[test]
    fn bad_commitments_are_refused() {
        let one = lots(&[("1", &["E-1"])]);
        assert_eq!(
            commit("r", &one, "x", "t"),
            Err(CommitError::Uncontested("1".into()))
        );
        let bad = lots(&[("1", &["E-1", "E,2"])]);
        assert_eq!(
            commit("r", &bad, "x", "t"),
            Err(CommitError::BadIdentifier("E,2".into()))
        );
        let ok = lots(&[("1", &["E-1", "E-2"])]);
        assert_eq!(
            commit("r", &ok, "two\nlines", "t"),
            Err(CommitError::BadSource)
        );
        let twice = lots(&[("1", &["E-1", "E-2"]), ("1", &["E-3", "E-4"])]);
        assert_eq!(
            commit("r", &twice, "x", "t"),
            Err(CommitError::DuplicateLot("1".into()))
        );
    }

    /// Pearson's chi-square of observed counts against a uniform expectation.
    fn chi_square(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum()
    }

    /// Over many seeds, the rank of a given entrant (and who comes first) is
    /// uniform: chi-square below the critical value at significance 0.001
    /// (df = n - 1). Deterministic: the seeds are SHA-256 of 0, 1, 2, ...
    #[test]
    fn ranks_are_uniform_for_small_and_large_draws() {
        // (entrants, draws, critical value of chi-square at 0.001 for n - 1 df)
        for (n, draws, critical) in [
            (2usize, 4000u32, 10.828),
            (3, 6000, 13.816),
            (10, 20000, 27.877),
            (40, 40000, 72.055),
        ] {
            let ids: Vec<String> = (0..n).map(|i| format!("E-{i:03}")).collect();
            let mut rank_of_first = vec![0u64; n];
            let mut first_place = vec![0u64; n];
            for d in 0..draws {
                let s: [u8; 32] = Sha256::digest(d.to_be_bytes()).into();
                let o = order(&s, "13323090220000", &ids);
                let rank = o.iter().position(|x| x == &ids[0]).unwrap_or(0);
                rank_of_first[rank] += 1;
                let winner = ids.iter().position(|x| x == &o[0]).unwrap_or(0);
                first_place[winner] += 1;
            }
            let (a, b) = (chi_square(&rank_of_first), chi_square(&first_place));
            assert!(
                a < critical,
                "n = {n}: rank of one entrant, chi-square {a:.2} >= {critical}"
            );
            assert!(
                b < critical,
                "n = {n}: who comes first, chi-square {b:.2} >= {critical}"
            );
        }
    }

    #[test]
    fn rejection_sampling_has_no_modulo_bias() {
        // With m = 3, 2^32 mod 3 = 1: the single word 2^32 - 1 must be
        // rejected, or value 0 would be favoured.
        let limit = (1u64 << 32) - ((1u64 << 32) % 3);
        assert_eq!(limit, (1u64 << 32) - 1);
        let s = [7u8; 32];
        let mut stream = Stream::new(&s, "x");
        for _ in 0..1000 {
            assert!(stream.below(3) < 3);
            assert_eq!(stream.below(1), 0);
        }
    }
}

#[cfg(test)]
mod reference {
    /// The independent Python implementation prints the same vectors.
    #[test]
    fn the_python_reference_computes_the_same_vectors() {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scripts/lottery_reference.py");
        let Ok(out) = std::process::Command::new("python3")
            .arg(&script)
            .arg("vectors")
            .output()
        else {
            eprintln!("*** python3 is not installed: the reference implementation was not run ***");
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), super::tests::EXPECTED);
    }
}
