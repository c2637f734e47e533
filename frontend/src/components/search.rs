//! One box for an address or a PIN: suggestions as the reader types, in the
//! ARIA combobox pattern (arrow keys move, Enter chooses, Escape closes).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::SearchResult;

use crate::api;
use crate::messages::{Msg, t, tf};

/// Typing pauses this long before a search is sent.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// Shortest query worth sending.
const MIN_CHARS: usize = 2;
/// Suggestions shown.
const SHOWN: u32 = 8;

#[derive(Debug, Clone, PartialEq)]
enum Found {
    Idle,
    TooShort,
    Searching,
    Results {
        query: String,
        results: Vec<SearchResult>,
    },
    Failed(String),
}

/// A search box; `id` prefixes its elements' ids (`{id}-input`,
/// `{id}-results`, `{id}-option-N`), so that a page may hold two.
#[component]
pub fn SearchBox(
    on_choose: Callback<SearchResult>,
    #[prop(default = "search")] id: &'static str,
    #[prop(default = Msg::SearchLabel)] label: Msg,
    /// A `form role="search"` landmark (the page's search), or a plain group.
    #[prop(default = true)]
    landmark: bool,
    /// Hears that a search found nothing (or failed), so that whatever the
    /// previous choice showed can go: it no longer answers what is typed.
    #[prop(optional)]
    on_none: Option<Callback<()>>,
) -> impl IntoView {
    let nothing = move || {
        if let Some(on_none) = on_none {
            on_none.run(());
        }
    };
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(Found::Idle);
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let in_flight = StoredValue::new_local(None::<web_sys::AbortController>);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);

    let choose = move |result: SearchResult| {
        open.set(false);
        active.set(None);
        query.set(
            result
                .address
                .clone()
                .unwrap_or_else(|| sidelot_domain::pin::dashed(&result.pin)),
        );
        on_choose.run(result);
    };

    // Sends the query; with `take_first`, chooses the best result at once
    // (Enter pressed before the suggestions arrived).
    let run = move |q: String, take_first: bool| {
        if let Some(previous) = in_flight.get_value() {
            previous.abort();
        }
        let q = q.trim().to_owned();
        if q.chars().count() < MIN_CHARS {
            found.set(if take_first {
                Found::TooShort
            } else {
                Found::Idle
            });
            open.set(take_first);
            return;
        }
        let Ok(controller) = web_sys::AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        in_flight.set_value(Some(controller));
        found.set(Found::Searching);
        open.set(true);
        spawn_local(async move {
            match api::public::search(&q, SHOWN, &signal).await {
                Ok(answer) => {
                    active.set(None);
                    if answer.results.is_empty() {
                        nothing();
                    }
                    match answer.results.first() {
                        Some(first) if take_first => choose(first.clone()),
                        _ => found.set(Found::Results {
                            query: q,
                            results: answer.results,
                        }),
                    }
                }
                Err(_) if signal.aborted() => {}
                Err(e) => {
                    nothing();
                    found.set(Found::Failed(e.message()));
                }
            }
        });
    };

    let on_input = move |ev: web_sys::Event| {
        let value = event_target_value(&ev);
        query.set(value.clone());
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || run(value, false), DEBOUNCE).ok();
        timer.set_value(handle);
    };

    let results = move || match found.get() {
        Found::Results { results, .. } => results,
        _ => Vec::new(),
    };

    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let current = query.get_untracked();
        let ready = match found.get_untracked() {
            Found::Results { query: q, results } if q == current.trim() => results,
            _ => Vec::new(),
        };
        match active
            .get_untracked()
            .and_then(|i| ready.get(i))
            .or(ready.first())
        {
            Some(result) => choose(result.clone()),
            None => run(current, true),
        }
    };

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let count = results().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1).min(count - 1))));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = a.and_then(|i| i.checked_sub(1)));
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };

    let expanded = move || open.get() && !results().is_empty();
    let message = move || match found.get() {
        Found::Idle => None,
        Found::TooShort => Some(t(Msg::SearchTooShort).to_owned()),
        Found::Searching => Some(t(Msg::Searching).to_owned()),
        Found::Failed(why) => Some(tf(Msg::SearchFailed, &[&why])),
        Found::Results { query, results } if results.is_empty() => {
            Some(tf(Msg::SearchNone, &[&query]))
        }
        Found::Results { results, .. } => Some(tf(Msg::SearchCount, &[&results.len().to_string()])),
    };

    view! {
        <form role=landmark.then_some("search") class="search" on:submit=on_submit>
            <label for=format!("{id}-input") class="visually-hidden">{t(label)}</label>
            <div class="search-row">
                <input
                    id=format!("{id}-input")
                    type="search"
                    role="combobox"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=t(label)
                    aria-autocomplete="list"
                    aria-controls=format!("{id}-results")
                    aria-describedby=format!("{id}-hint")
                    aria-expanded=move || expanded().to_string()
                    aria-activedescendant=move || {
                        active.get().filter(|_| expanded()).map(|i| format!("{id}-option-{i}"))
                    }
                    prop:value=move || query.get()
                    on:input=on_input
                    on:keydown=on_keydown
                    on:blur=move |_| open.set(false)
                    on:focus=move |_| open.set(!results().is_empty())
                />
                <button type="submit">{t(Msg::SearchButton)}</button>
            </div>
            <p id=format!("{id}-hint") class="visually-hidden">{t(Msg::SearchHint)}</p>
            <p
                class="search-message"
                class:visually-hidden=move || expanded() || !open.get()
                role="status"
                aria-live="polite"
            >
                {message}
            </p>
            <ul id=format!("{id}-results") role="listbox" aria-label=t(label) hidden=move || !expanded()>
                {move || {
                    results()
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let label = r.address.clone().unwrap_or_else(|| t(Msg::NoAddress).to_owned());
                            let pin = sidelot_domain::pin::dashed(&r.pin);
                            view! {
                                <li
                                    role="option"
                                    id=format!("{id}-option-{i}")
                                    aria-selected=move || (active.get() == Some(i)).to_string()
                                    on:mousedown=|ev| ev.prevent_default()
                                    on:click=move |_| choose(r.clone())
                                >
                                    <span class="result-address">{label}</span>
                                    <span class="result-pin">{pin}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </form>
    }
}
