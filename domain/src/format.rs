//! Numbers for people, the same on the server and in the browser.

/// 21844 -> "21,844".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2179), "2,179");
        assert_eq!(thousands(21_844), "21,844");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(-1_234), "-1,234");
    }
}
