//! The keys addresses are searched by: the same for what is stored and for
//! what a person types.

/// Upper case, every character but ASCII letters and digits read as a blank,
/// blanks collapsed: `"5321 w. Van-Buren St"` -> `"5321 W VAN BUREN ST"`.
/// `None` when nothing is left.
pub fn address_key(text: &str) -> Option<String> {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_uppercase());
        } else if !key.is_empty() && !key.ends_with(' ') {
            key.push(' ');
        }
    }
    let trimmed = key.trim_end();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The address key without its house number and direction:
/// `"5321 W VAN BUREN ST"` -> `"VAN BUREN ST"`.
pub fn street_key(text: &str) -> Option<String> {
    let key = address_key(text)?;
    let mut words = key.split(' ').peekable();
    if words
        .peek()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
    {
        words.next();
    }
    if words
        .peek()
        .is_some_and(|w| matches!(*w, "N" | "S" | "E" | "W"))
    {
        words.next();
    }
    let rest: Vec<&str> = words.collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(
            address_key("5321 w. Van-Buren  St").as_deref(),
            Some("5321 W VAN BUREN ST")
        );
        assert_eq!(address_key("  O'Brien "), Some("O BRIEN".to_owned()));
        assert_eq!(address_key(" .,% "), None);
    }

    #[test]
    fn the_street_key_drops_number_and_direction() {
        assert_eq!(
            street_key("5321 W VAN BUREN ST").as_deref(),
            Some("VAN BUREN ST")
        );
        assert_eq!(street_key("van buren").as_deref(), Some("VAN BUREN"));
        assert_eq!(
            street_key("1703 N. Latrobe Ave").as_deref(),
            Some("LATROBE AVE")
        );
        assert_eq!(street_key("12B W").as_deref(), None);
    }

    proptest! {
        #[test]
        fn a_typed_prefix_of_an_address_is_a_prefix_of_its_key(address in "[0-9]{1,5} [NSEW] [A-Z]{2,8} [A-Z]{2,4}", cut in 1usize..20) {
            let key = address_key(&address).unwrap();
            let typed: String = address.to_lowercase().chars().take(cut).collect();
            if let Some(typed_key) = address_key(&typed) {
                prop_assert!(key.starts_with(&typed_key), "{key:?} / {typed_key:?}");
            }
        }
    }
}
