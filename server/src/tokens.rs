//! Random codes and tokens, written once: the Crockford codes people read
//! aloud (tracking codes, lottery public ids), the hex tokens of cookies and
//! links, and the SHA-256 under which a token is stored.

use sha2::{Digest, Sha256};

/// The operating system gave no randomness: nothing weaker is ever used.
#[derive(Debug, thiserror::Error)]
#[error("no randomness from the operating system: {0}")]
pub struct NoRandomness(pub String);

/// Random bytes from the operating system, or an error.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| NoRandomness(e.to_string()))?;
    Ok(bytes)
}

/// Crockford's base 32 (no I, L, O, U): read aloud without confusion.
const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `{prefix}-XXXX-XXXX`, one Crockford character per byte.
pub fn crockford_code(prefix: &str, bytes: [u8; 8]) -> String {
    let chars: String = bytes
        .iter()
        .map(|b| CROCKFORD[usize::from(b & 31)] as char)
        .collect();
    format!("{prefix}-{}-{}", &chars[..4], &chars[4..])
}

/// A token of 32 random bytes, in hex (safe in URLs and cookies).
pub fn hex_token() -> Result<String, NoRandomness> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// What is stored of a token: its SHA-256, never the token itself.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_crockfords_alphabet() {
        let code = crockford_code("SL", [0, 1, 8, 18, 21, 27, 31, 63]);
        assert_eq!(code, "SL-018J-NVZZ");
    }

    #[test]
    fn tokens_are_64_hex_digits_hashed_to_32_bytes() {
        let token = hex_token().unwrap_or_default();
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(token_hash(&token).len(), 32);
    }
}
