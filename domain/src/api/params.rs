//! How query parameters are read, written once for every filter: a blank
//! value is no value, and yes/no flags take the words people type.
//! Used with `#[serde(default, deserialize_with = "...")]`.

use serde::de::{DeserializeOwned, Error, IntoDeserializer};
use serde::{Deserialize, Deserializer};

/// Text, trimmed; blank is none.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty()))
}

/// A value read by its own type from the trimmed text; blank is none.
pub fn parsed<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    text(d)?
        .map(|v| T::deserialize(IntoDeserializer::<D::Error>::into_deserializer(v)))
        .transpose()
}

/// `true`, `1`, `yes` or `false`, `0`, `no` (any case); blank is none.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Bool(b)) => Ok(Some(b)),
        Some(Raw::Text(v)) => match v.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            other => Err(D::Error::custom(format!("{other:?} is not true or false"))),
        },
    }
}
