//! drand beacons, verified offline: the randomness a lottery is drawn with
//! (docs/lottery.md). The commitment names a chain and a future round; the
//! beacon of that round, as the drand relays publish it (`round`,
//! `randomness`, `signature`), is checked here against the chain's public
//! key: the BLS signature, `randomness = SHA-256(signature)`, and the round.
//!
//! quicknet is BLS12-381 in unchained mode with signatures on G1 (scheme
//! `bls-unchained-g1-rfc9380`): the signed message is SHA-256 of the round
//! as 8 bytes big-endian, hashed to G1 with the DST
//! `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`, and the public key is on
//! G2. The pairing check is `drand-verify`'s (pure Rust, on zkcrypto's
//! `bls12_381`), so the browser's Verify runs the same code.

use drand_verify::{G2PubkeyRfc, Pubkey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A drand chain whose beacons sidelot can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain {
    /// The chain's beacon id, as drand names it.
    pub name: &'static str,
    /// The chain hash: SHA-256 of the chain's info, public key included.
    pub hash: &'static str,
    /// The group public key, compressed on G2, in hex.
    pub public_key: &'static str,
    /// Unix time of round 1.
    pub genesis_time: u64,
    /// Seconds between rounds.
    pub period: u64,
}

/// League of Entropy mainnet `quicknet`. Source: the chain's info,
/// `https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/info`,
/// as quoted in drand's announcement "quicknet is live on the League of
/// Entropy mainnet" (drand.love blog, 2023-10-16) and in `drand-verify`'s
/// own tests: scheme `bls-unchained-g1-rfc9380`, period 3 s, genesis
/// 1692803367 (2023-08-23 15:09:27 UTC).
pub const QUICKNET: Chain = Chain {
    name: "quicknet",
    hash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    public_key: "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
    genesis_time: 1_692_803_367,
    period: 3,
};

/// A real published quicknet beacon, round 123, as the relay answers:
/// the known answer of the tests (and an example for the docs). The
/// signature is `drand-verify`'s own test vector
/// (`verify_works_for_g1g2_swapped_rfc`), published at
/// `https://api3.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/123`;
/// the randomness is SHA-256 of that signature, as the relay publishes it
/// (the same value appears in other projects' tests of this round).
pub const QUICKNET_ROUND_123: &str = r#"{"round":123,"randomness":"fb8f7bc29bf24db51871ec8c79f3a1e4bd0557bc0dfcee9ed1d924e69d1c60dc","signature":"b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92"}"#;

/// The chains sidelot knows.
pub const CHAINS: &[Chain] = &[QUICKNET];

impl Chain {
    /// The randomness source a commitment names, exactly as the statement
    /// carries it: `drand quicknet round N (chain HASH)`.
    pub fn source(&self, round: u64) -> String {
        format!("drand {} round {round} (chain {})", self.name, self.hash)
    }

    /// Unix time at which `round` is published (round 1 at genesis).
    pub fn round_time(&self, round: u64) -> u64 {
        self.genesis_time + round.saturating_sub(1) * self.period
    }

    /// The round published at unix time `t` (the last one at or before it).
    pub fn round_at(&self, t: u64) -> u64 {
        t.saturating_sub(self.genesis_time) / self.period + 1
    }

    /// A round to name when committing at unix time `now`: the one
    /// published about ten minutes later.
    pub fn suggested_round(&self, now: u64) -> u64 {
        self.round_at(now + 600)
    }

    /// Whether `round` may be named by a commitment made at unix time
    /// `now`: it must be published at least [`MIN_LEAD_SECS`] later, so
    /// that no one can know its randomness when the entrants are frozen.
    pub fn still_to_come(&self, round: u64, now: u64) -> Result<(), String> {
        let at = self.round_time(round);
        if at >= now + MIN_LEAD_SECS {
            return Ok(());
        }
        let when = if at <= now {
            "was published already"
        } else {
            "is published in less than a minute"
        };
        Err(format!(
            "The drand {} round {round} {when}: name a round still to come, such as {} (published about ten minutes from now), so that no one can know its randomness when the entrants are frozen",
            self.name,
            self.suggested_round(now)
        ))
    }
}

/// The least time between a commitment and the publication of the round
/// it names.
pub const MIN_LEAD_SECS: u64 = 60;

/// Unix seconds of an RFC 3339 time such as `2027-05-01T15:00:00+00:00`
/// or `...Z` (fractions ignored); `None` when it is not one.
pub fn unix_time(rfc3339: &str) -> Option<i64> {
    let b = rfc3339.as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> { rfc3339.get(from..to)?.parse().ok() };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = &rfc3339[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (rest.get(1..3)?.parse::<i64>().ok()? * 3600
                + rest.get(4..6)?.parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

/// When the round a lottery names was already published at the time it
/// was committed (so its randomness could be known to whoever committed):
/// the round's time, in unix seconds. `None` when it was still to come, or
/// when the source or the time cannot be read.
pub fn round_published_before(source: &str, committed_at: &str) -> Option<u64> {
    let (chain, round) = committed_round(source)?;
    let committed = unix_time(committed_at)?;
    let at = chain.round_time(round);
    (i64::try_from(at).ok()? <= committed).then_some(at)
}

/// The chain and round a randomness source names, when it is one that
/// [`Chain::source`] wrote; `None` for any other source (dice, older
/// lotteries).
pub fn committed_round(source: &str) -> Option<(Chain, u64)> {
    CHAINS.iter().find_map(|chain| {
        let rest = source.strip_prefix(&format!("drand {} round ", chain.name))?;
        let (round, tail) = rest.split_once(' ')?;
        let round: u64 = round.parse().ok()?;
        (round >= 1 && tail == format!("(chain {})", chain.hash)).then_some((*chain, round))
    })
}

/// A beacon as the drand relays publish it (other fields, such as
/// `previous_signature`, are ignored). Hex is kept lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Beacon {
    pub round: u64,
    /// SHA-256 of the signature, in hex: the value the seed is drawn from.
    pub randomness: String,
    /// The group's BLS signature of the round, in hex.
    pub signature: String,
}

/// Why a beacon is refused: each says it in a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BeaconError {
    #[error(
        "This is not a drand beacon. Paste the whole text the drand relay shows for the round, as it is."
    )]
    NotABeacon,
    #[error(
        "This lottery's commitment names no drand round, so there is no beacon to check its randomness against."
    )]
    NoCommittedRound,
    #[error("This beacon is for round {given}, but the lottery is committed to round {committed}.")]
    WrongRound { given: u64, committed: u64 },
    #[error(
        "This beacon's signature is not drand {0}'s: it was changed, or it comes from another chain."
    )]
    BadSignature(&'static str),
    #[error("This beacon's randomness does not follow from its signature: it was changed.")]
    RandomnessMismatch,
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Beacon {
    /// The beacon from the text an admin pasted: the relay's JSON answer.
    pub fn parse(pasted: &str) -> Result<Beacon, BeaconError> {
        let b: Beacon = serde_json::from_str(pasted.trim()).map_err(|_| BeaconError::NotABeacon)?;
        Ok(Beacon {
            round: b.round,
            randomness: b.randomness.trim().to_ascii_lowercase(),
            signature: b.signature.trim().to_ascii_lowercase(),
        })
    }

    /// Checks this beacon is `chain`'s for `round`: the round, the BLS
    /// signature against the chain's public key, and that the randomness
    /// is SHA-256 of the signature.
    pub fn check(&self, chain: &Chain, round: u64) -> Result<(), BeaconError> {
        if self.round != round {
            return Err(BeaconError::WrongRound {
                given: self.round,
                committed: round,
            });
        }
        let bad = BeaconError::BadSignature(chain.name);
        let signature = hex_bytes(&self.signature).ok_or(bad.clone())?;
        let key = hex_bytes(chain.public_key).ok_or(bad.clone())?;
        let key = G2PubkeyRfc::from_variable(&key).map_err(|_| bad.clone())?;
        if !key.verify(round, b"", &signature).unwrap_or(false) {
            return Err(bad);
        }
        let derived: String = Sha256::digest(&signature)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if derived != self.randomness {
            return Err(BeaconError::RandomnessMismatch);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_commitment_names_a_round_still_to_come() {
        let now = QUICKNET.round_time(1000);
        assert!(QUICKNET.still_to_come(1000 + 20, now).is_ok(), "60 s later");
        let soon = QUICKNET.still_to_come(1000 + 10, now).unwrap_err();
        assert!(soon.contains("in less than a minute"), "{soon}");
        let past = QUICKNET.still_to_come(123, now).unwrap_err();
        assert!(past.contains("round 123 was published already"), "{past}");
        assert!(past.contains(&format!("such as {}", 1000 + 200)), "{past}");
    }

    use super::*;

    /// quicknet round 10, from Sui's Move example of drand (Mysten Labs,
    /// module `bls_signature::example`, `test_drand_input`), published at
    /// `https://drand.cloudflare.com/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/10`.
    const ROUND_10_SIGNATURE: &str = "ac415e508c484053efed1c6c330e3ae0bf20185b66ed088864dac1ff7d6f927610824986390d3239dac4dd73e6f865f5";
    const ROUND_10_RANDOMNESS: &str =
        "850f2d84fec6935508464a33f5389b3103087bc44599d782b83cbe2eaa8451e3";

    fn round_123() -> Beacon {
        Beacon::parse(QUICKNET_ROUND_123).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn real_quicknet_beacons_verify() {
        assert_eq!(round_123().check(&QUICKNET, 123), Ok(()));
        let ten = Beacon {
            round: 10,
            randomness: ROUND_10_RANDOMNESS.into(),
            signature: ROUND_10_SIGNATURE.into(),
        };
        assert_eq!(ten.check(&QUICKNET, 10), Ok(()));
    }

    #[test]
    fn the_relay_answer_is_read_as_pasted() {
        let pasted = format!(
            "  {{\"round\": 123, \"randomness\": \"{}\", \"signature\": \"{}\", \"previous_signature\": \"\"}}\n",
            round_123().randomness.to_uppercase(),
            round_123().signature
        );
        assert_eq!(Beacon::parse(&pasted), Ok(round_123()));
        assert_eq!(Beacon::parse("c0ffee"), Err(BeaconError::NotABeacon));
        assert_eq!(
            Beacon::parse(r#"{"round":123}"#),
            Err(BeaconError::NotABeacon)
        );
    }

    #[test]
    fn a_changed_signature_is_refused() {
        let mut b = round_123();
        // Another valid-looking signature: round 10's, with its own randomness.
        b.signature = ROUND_10_SIGNATURE.into();
        b.randomness = ROUND_10_RANDOMNESS.into();
        assert_eq!(
            b.check(&QUICKNET, 123),
            Err(BeaconError::BadSignature("quicknet"))
        );
        let mut flipped = round_123();
        flipped.signature.replace_range(10..11, "0");
        assert_eq!(
            flipped.check(&QUICKNET, 123),
            Err(BeaconError::BadSignature("quicknet"))
        );
        let mut short = round_123();
        short.signature.truncate(20);
        assert_eq!(
            short.check(&QUICKNET, 123),
            Err(BeaconError::BadSignature("quicknet"))
        );
    }

    #[test]
    fn a_changed_randomness_is_refused() {
        let mut b = round_123();
        b.randomness.replace_range(0..1, "0");
        assert_eq!(
            b.check(&QUICKNET, 123),
            Err(BeaconError::RandomnessMismatch)
        );
    }

    #[test]
    fn another_round_is_refused() {
        assert_eq!(
            round_123().check(&QUICKNET, 124),
            Err(BeaconError::WrongRound {
                given: 123,
                committed: 124
            })
        );
        // Claiming round 124 for round 123's signature fails the signature.
        let mut b = round_123();
        b.round = 124;
        assert_eq!(
            b.check(&QUICKNET, 124),
            Err(BeaconError::BadSignature("quicknet"))
        );
    }

    #[test]
    fn the_source_names_chain_and_round_and_is_read_back() {
        let s = QUICKNET.source(123);
        assert_eq!(
            s,
            "drand quicknet round 123 (chain 52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971)"
        );
        assert_eq!(committed_round(&s), Some((QUICKNET, 123)));
        assert_eq!(committed_round("drand quicknet round 123"), None);
        assert_eq!(committed_round("Public dice ceremony"), None);
        assert_eq!(committed_round(&QUICKNET.source(0)), None);
    }

    #[test]
    fn committed_after_its_round_is_noticed() {
        assert_eq!(unix_time("2023-08-23T15:09:27Z"), Some(1_692_803_367));
        assert_eq!(
            unix_time("2023-08-23T17:09:27.123456+02:00"),
            Some(1_692_803_367)
        );
        assert_eq!(unix_time("1970-01-01T00:00:00+00:00"), Some(0));
        assert_eq!(unix_time("t"), None);
        let source = QUICKNET.source(123);
        assert_eq!(
            round_published_before(&source, "2026-12-01T14:00:00+00:00"),
            Some(QUICKNET.round_time(123))
        );
        assert_eq!(
            round_published_before(&source, "2023-08-23T15:09:27Z"),
            None
        );
        assert_eq!(round_published_before("dice", "2026-12-01T14:00:00Z"), None);
    }

    #[test]
    fn rounds_follow_the_clock() {
        assert_eq!(QUICKNET.round_time(1), 1_692_803_367);
        assert_eq!(QUICKNET.round_time(123), 1_692_803_367 + 122 * 3);
        assert_eq!(QUICKNET.round_at(QUICKNET.round_time(9_000_000)), 9_000_000);
        assert_eq!(
            QUICKNET.round_at(QUICKNET.round_time(9_000_000) + 2),
            9_000_000
        );
    }
}
