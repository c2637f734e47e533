//! The page's language, and its texts from the catalogue
//! (`domain/src/messages/`, one file per language). The page's language is
//! chosen once, as the app starts ([`init`]): the reader's own choice
//! (remembered in the browser), else the first of the browser's languages
//! that sidelot speaks, else English. The language switch stores a choice
//! and reloads the page.

use std::cell::Cell;

use sidelot_domain::lang::Lang;
pub use sidelot_domain::messages::staff::Staff as S;
pub use sidelot_domain::messages::{Msg, fill, text_in};

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The page's language.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// Sets the page's language (tests, and [`init`]).
pub fn set_current(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// Where the reader's choice is kept, in the browser's local storage.
#[cfg(target_arch = "wasm32")]
const STORAGE_KEY: &str = "sidelot.lang";

/// Chooses the page's language as the app starts, and says it in
/// `<html lang>`.
pub fn init() {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        let stored = window
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|tag| Lang::parse(&tag));
        let navigator = window.navigator();
        let preferred: Vec<String> = navigator
            .languages()
            .iter()
            .filter_map(|v| v.as_string())
            .chain(navigator.language())
            .collect();
        let lang = stored
            .or_else(|| Lang::first_of(preferred.iter().map(String::as_str)))
            .unwrap_or_default();
        set_current(lang);
        if let Some(document) = window.document() {
            if let Some(html) = document.document_element() {
                let _ = html.set_attribute("lang", lang.tag());
            }
            document.set_title(&format!("{}: {}", t(Msg::Title), t(Msg::Tagline)));
        }
    }
}

/// Keeps `lang` as the reader's choice and shows the page again in it.
pub fn choose(lang: Lang) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(storage) = window.local_storage().ok().flatten() {
            let _ = storage.set_item(STORAGE_KEY, lang.tag());
        }
        let _ = window.location().reload();
    }
    #[cfg(not(target_arch = "wasm32"))]
    set_current(lang);
}

/// A text of the staff console, in the page's language.
pub fn s(msg: S) -> &'static str {
    sidelot_domain::messages::staff::text_in(current(), msg)
}

/// The text of `msg` in the page's language.
pub fn t(msg: Msg) -> &'static str {
    text_in(current(), msg)
}

/// How many other neighbours have applied for a lot, in words.
pub fn others_applied(n: u32) -> String {
    match n {
        0 => t(Msg::OthersNone).to_owned(),
        1 => t(Msg::OthersOne).to_owned(),
        n => tf(Msg::OthersMany, &[&n.to_string()]),
    }
}

/// The text of `msg` with `{0}`, `{1}`, ... replaced by `args`, in order.
pub fn tf(msg: Msg, args: &[&str]) -> String {
    fill(t(msg), args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_speaks_its_language() {
        set_current(Lang::Es);
        assert_eq!(
            others_applied(2),
            "2 vecinos más han pedido este lote; con la misma prioridad, decide un sorteo público."
        );
        assert_eq!(tf(Msg::SqFt, &["1,234"]), "1,234 pies²");
        set_current(Lang::En);
    }

    #[test]
    fn every_status_has_a_label() {
        for msg in [
            Msg::StatusAvailable,
            Msg::StatusPending,
            Msg::StatusSold,
            Msg::StatusNotForSale,
        ] {
            assert!(!t(msg).is_empty());
        }
    }

    #[test]
    fn the_others_who_applied_are_counted_in_words() {
        assert_eq!(
            others_applied(0),
            "No other neighbour has applied for this lot yet."
        );
        assert!(others_applied(1).starts_with("1 other neighbour has applied"));
        assert_eq!(
            others_applied(2),
            "2 other neighbours have applied for this lot; with the same priority, a public lottery decides."
        );
    }

    #[test]
    fn placeholders_are_filled_in_order() {
        assert_eq!(
            tf(Msg::ListPartial, &["200", "1,234"]),
            "Showing 200 of 1,234: zoom in or move the map to see others."
        );
        assert_eq!(tf(Msg::SearchNone, &["zz"]), "No parcel matches “zz”");
        assert_eq!(tf(Msg::Retry, &["unused"]), "Retry");
    }
}
