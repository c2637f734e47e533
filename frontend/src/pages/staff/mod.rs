//! The staff console under `/staff`: sign-in, the review queue, one
//! application with its actions, contested lots, and the admin pages. It is
//! its own app (`src/bin/staff.rs`), so that neighbours never download it.
//!
//! Pages are chosen by the path and filters live in the URL (plain links
//! and GET forms), so every view can be bookmarked, shared and reloaded.
//! Staff-facing words are English only for now; the public pages use the
//! message catalog.

mod account;
mod admin;
mod application;
mod contested;
pub mod filters;
mod imports;
mod queue;
mod reason_fields;
mod review_map;
mod sign_in;
mod walk;

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::StaffSession;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::owners::NameMatch;
use sidelot_domain::workflow::Role;

use crate::api::{self, ApiError};
use crate::messages::{S, s};

/// Loading, loaded, or failed.
#[derive(Clone, PartialEq)]
enum Load<T> {
    Wait,
    Ok(T),
    Err(String),
}

/// A signal that holds what `request` answers, once it has.
fn load<T, F>(request: F) -> RwSignal<Load<T>>
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = Result<T, ApiError>> + 'static,
{
    let signal = RwSignal::new(Load::Wait);
    spawn_local(async move {
        signal.set(match request.await {
            Ok(v) => Load::Ok(v),
            Err(e) => Load::Err(e.message()),
        });
    });
    signal
}

/// Loads into `signal` again, keeping what it shows until the answer.
fn refetch<T, F>(signal: RwSignal<Load<T>>, request: F)
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = Result<T, ApiError>> + 'static,
{
    spawn_local(async move {
        if let Ok(v) = request.await {
            signal.set(Load::Ok(v));
        }
    });
}

fn go(url: &str) {
    let _ = window().location().set_href(url);
}

fn relation_words(r: Relation) -> &'static str {
    match r {
        Relation::Adjacent => s(S::Adjacent),
        Relation::AcrossAlley => s(S::AcrossTheAlley),
        Relation::SameBlock => s(S::SameBlock),
        Relation::AcrossStreet => s(S::AcrossTheStreet),
        Relation::Nearby => s(S::Nearby),
        Relation::None => s(S::None),
    }
}

/// How the applicant's name compares with the roll, in a few words.
fn owner_match_words(m: NameMatch) -> &'static str {
    match m {
        NameMatch::Match => s(S::OwnerMatchShortMatch),
        NameMatch::Partial => s(S::OwnerMatchShortPartial),
        NameMatch::NoMatch => s(S::OwnerMatchShortNoMatch),
        NameMatch::NoRecord => s(S::OwnerMatchShortNoRecord),
    }
}

/// The console at `path`: the sign-in page until someone is signed in.
#[component]
pub fn StaffApp(path: String) -> impl IntoView {
    let session = RwSignal::new(None::<Result<StaffSession, ApiError>>);
    spawn_local(async move {
        session.set(Some(api::staff::session().await));
    });
    view! {
        {move || match session.get() {
            None => view! { <main class="page"><p role="status">{s(S::Loading)}</p></main> }.into_any(),
            Some(Err(e)) if e.status() == Some(401) => view! { <sign_in::Login session /> }.into_any(),
            Some(Err(e)) => view! {
                <main class="page"><p role="alert">{e.message()}</p></main>
            }.into_any(),
            Some(Ok(s)) => {
                api::set_csrf(&s.csrf_token);
                view! { <Shell session=s path=path.clone() /> }.into_any()
            }
        }}
    }
}

#[component]
fn Shell(session: StaffSession, path: String) -> impl IntoView {
    let admin = session.role == Role::Admin;
    let reviewer = session.role.may(Role::Reviewer);
    let analyst = session.role.may(Role::Analyst);
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::staff::logout().await;
            go("/staff");
        });
    };
    let path = path.trim_end_matches('/').to_owned();
    let current = |href: &str| if path == href { "page" } else { "false" };
    let page = if let Some(id) = path
        .strip_prefix("/staff/applications/")
        .and_then(|id| id.parse::<i64>().ok())
    {
        view! { <application::ApplicationPage id /> }.into_any()
    } else if path == "/staff/contested" {
        view! { <contested::ContestedPage /> }.into_any()
    } else if path == "/staff/admin" && admin {
        view! { <admin::AdminPage /> }.into_any()
    } else if path == "/staff/imports" && analyst {
        view! { <imports::ImportsPage /> }.into_any()
    } else if let Some(id) = path
        .strip_prefix("/staff/imports/")
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|_| analyst)
    {
        view! { <imports::ImportReportPage id /> }.into_any()
    } else if path == "/staff/account" {
        view! { <account::AccountPage /> }.into_any()
    } else if reviewer {
        view! { <queue::QueuePage /> }.into_any()
    } else {
        view! { <imports::ImportsPage /> }.into_any()
    };
    view! {
        <header class="page-header staff-header">
            <a class="brand-link" href="/staff">{s(S::SidelotStaff)}</a>
            <nav aria-label=s(S::Staff)>
                <ul>
                    {reviewer.then(|| view! {
                        <li><a href="/staff" aria-current=current("/staff")>{s(S::Queue)}</a></li>
                        <li><a href="/staff/contested" aria-current=current("/staff/contested")>{s(S::ContestedLots)}</a></li>
                    })}
                    {analyst.then(|| view! { <li><a href="/staff/imports" aria-current=current("/staff/imports")>{s(S::Imports)}</a></li> })}
                    {admin.then(|| view! { <li><a href="/staff/admin" aria-current=current("/staff/admin")>{s(S::Admin)}</a></li> })}
                    <li><a href="/staff/account" aria-current=current("/staff/account")>{s(S::Account)}</a></li>
                </ul>
            </nav>
            <span class="who">{format!("{} ({})", session.email, session.role)}</span>
            <button type="button" on:click=sign_out>{s(S::SignOut)}</button>
        </header>
        {page}
    }
}
