//! Working through the queue all day: the queue page remembers the order of
//! the applications it lists (in the tab's session storage), and each
//! application page links to the previous and next one in that order, with
//! the keys `j` (next) and `k` (previous), as mail readers use them.

use crate::messages::{S, s};
use leptos::prelude::*;

const KEY: &str = "sidelot-queue-order";

/// The applications in the order the queue listed them, each once.
pub fn remember(ids: &[i64]) {
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.contains(id) {
            seen.push(*id);
        }
    }
    if let (Ok(Some(storage)), Ok(text)) =
        (window().session_storage(), serde_json::to_string(&seen))
    {
        let _ = storage.set_item(KEY, &text);
    }
}

/// The applications before and after `id` in the remembered order.
pub fn neighbours(id: i64) -> (Option<i64>, Option<i64>) {
    let order: Vec<i64> = window()
        .session_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    around(&order, id)
}

fn around(order: &[i64], id: i64) -> (Option<i64>, Option<i64>) {
    match order.iter().position(|x| *x == id) {
        Some(i) => (
            i.checked_sub(1).map(|p| order[p]),
            order.get(i + 1).copied(),
        ),
        None => (None, None),
    }
}

fn href(id: i64) -> String {
    format!("/staff/applications/{id}")
}

/// Links to the previous and next application, and their keys.
#[component]
pub fn Walk(id: i64) -> impl IntoView {
    let (previous, next) = neighbours(id);
    // `j` and `k`, unless the reviewer is typing.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        let to = match ev.key().as_str() {
            "j" if !typing => next,
            "k" if !typing => previous,
            _ => None,
        };
        if let Some(to) = to {
            let _ = window().location().set_href(&href(to));
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <nav class="walk" aria-label=s(S::OtherApplicationsInTheQueue)>
            {previous.map(|p| view! { <a href=href(p) rel="prev" aria-keyshortcuts="k">{s(S::PreviousApplicationK)}</a> })}
            {next.map(|n| view! { <a href=href(n) rel="next" aria-keyshortcuts="j">{s(S::NextApplicationJ)}</a> })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_neighbours_come_from_the_queue_order() {
        assert_eq!(around(&[4, 9, 2], 9), (Some(4), Some(2)));
        assert_eq!(around(&[4, 9, 2], 4), (None, Some(9)));
        assert_eq!(around(&[4, 9, 2], 2), (Some(9), None));
        assert_eq!(around(&[4, 9, 2], 7), (None, None));
    }
}
