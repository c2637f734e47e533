//! The staff console under `/staff`: sign-in, the review queue, one
//! application with its actions, contested lots, and the admin pages.
//!
//! Pages are chosen by the path and filters live in the URL (plain links
//! and GET forms), so every view can be bookmarked, shared and reloaded.
//! Staff-facing words are English only for now; the public pages use the
//! message catalog.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use sidelot_domain::api::{
    BulkResult, ContestedLot, DenialReason, OutboxMessage, QueuePage, RoundList, StaffAccount,
    StaffApplication, StaffLot, StaffSession,
};
use sidelot_domain::application::FieldError;
use sidelot_domain::pin::dashed;
use sidelot_domain::workflow::{self, Action, LotState, Reason, Role};

use crate::api::{self, ApiError};
use crate::shape;
use crate::status::when;
use crate::url::query_param;

/// Loading, loaded, or failed.
#[derive(Clone, PartialEq)]
enum Load<T> {
    Wait,
    Ok(T),
    Err(String),
}

/// A parameter of this page's URL.
fn param(key: &str) -> Option<String> {
    let search = window().location().search().unwrap_or_default();
    query_param(&search, key)
}

fn load<T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static>(
    url: String,
) -> RwSignal<Load<T>> {
    let signal = RwSignal::new(Load::Wait);
    spawn_local(async move {
        signal.set(match api::get_json::<T>(&url).await {
            Ok(v) => Load::Ok(v),
            Err(e) => Load::Err(e.message()),
        });
    });
    signal
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// Loads `url` into `signal` again, keeping what it shows until the answer.
fn refetch<T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static>(
    signal: RwSignal<Load<T>>,
    url: &'static str,
) {
    spawn_local(async move {
        if let Ok(v) = api::get_json::<T>(url).await {
            signal.set(Load::Ok(v));
        }
    });
}

fn go(url: &str) {
    let _ = window().location().set_href(url);
}

#[component]
pub fn StaffApp(path: String) -> impl IntoView {
    let session = RwSignal::new(None::<Result<StaffSession, ApiError>>);
    spawn_local(async move {
        session.set(Some(api::get_json("/api/staff/session").await));
    });
    view! {
        {move || match session.get() {
            None => view! { <main class="page"><p role="status">"Loading…"</p></main> }.into_any(),
            Some(Err(e)) if e.status() == Some(401) => view! { <Login session /> }.into_any(),
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
fn Login(session: RwSignal<Option<Result<StaffSession, ApiError>>>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        spawn_local(async move {
            let body =
                json!({"email": email.get_untracked(), "password": password.get_untracked()});
            match api::post_json::<StaffSession>("/api/staff/login", &body).await {
                Ok(s) => session.set(Some(Ok(s))),
                Err(e) => {
                    errors.set(e.fields());
                    failure.set(Some(e.message()));
                    sending.set(false);
                }
            }
        });
    };
    let error_for = move |field: &'static str| {
        move || {
            errors.with(|e| {
                e.iter()
                    .filter(|e| e.field == field)
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        }
    };
    view! {
        <main class="page">
            <h1>"Staff sign-in"</h1>
            <p role="alert" class="error-summary" hidden=move || failure.get().is_none()>
                {move || failure.get().unwrap_or_default()}
            </p>
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="staff-email">"Email"</label>
                    <input id="staff-email" name="email" type="email" autocomplete="username"
                        aria-describedby="error-email" prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                    <p class="field-error" id="error-email">{error_for("email")}</p>
                </div>
                <div class="field">
                    <label for="staff-password">"Password"</label>
                    <input id="staff-password" name="password" type="password" autocomplete="current-password"
                        aria-describedby="error-password" prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <p class="field-error" id="error-password">{error_for("password")}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" disabled=move || sending.get()>"Sign in"</button>
                </div>
            </form>
        </main>
    }
}

#[component]
fn Shell(session: StaffSession, path: String) -> impl IntoView {
    let admin = session.role == Role::Admin;
    let reviewer = session.role.may(Role::Reviewer);
    let analyst = session.role.may(Role::Analyst);
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::post_json::<()>("/api/staff/logout", &json!({})).await;
            go("/staff");
        });
    };
    let path = path.trim_end_matches('/').to_owned();
    let current = |href: &str| if path == href { "page" } else { "false" };
    let page = if let Some(id) = path
        .strip_prefix("/staff/applications/")
        .and_then(|id| id.parse::<i64>().ok())
    {
        view! { <ApplicationPage id /> }.into_any()
    } else if path == "/staff/contested" {
        view! { <ContestedPage /> }.into_any()
    } else if path == "/staff/admin" && admin {
        view! { <AdminPage /> }.into_any()
    } else if path == "/staff/imports" && analyst {
        view! { <crate::imports::ImportsPage /> }.into_any()
    } else if let Some(id) = path
        .strip_prefix("/staff/imports/")
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|_| analyst)
    {
        view! { <crate::imports::ImportReportPage id /> }.into_any()
    } else if path == "/staff/account" {
        view! { <AccountPage /> }.into_any()
    } else if reviewer {
        view! { <QueuePage /> }.into_any()
    } else {
        view! { <crate::imports::ImportsPage /> }.into_any()
    };
    view! {
        <header class="page-header staff-header">
            <a class="brand-link" href="/staff">"sidelot staff"</a>
            <nav aria-label="Staff">
                <ul>
                    {reviewer.then(|| view! {
                        <li><a href="/staff" aria-current=current("/staff")>"Queue"</a></li>
                        <li><a href="/staff/contested" aria-current=current("/staff/contested")>"Contested lots"</a></li>
                    })}
                    {analyst.then(|| view! { <li><a href="/staff/imports" aria-current=current("/staff/imports")>"Imports"</a></li> })}
                    {admin.then(|| view! { <li><a href="/staff/admin" aria-current=current("/staff/admin")>"Admin"</a></li> })}
                    <li><a href="/staff/account" aria-current=current("/staff/account")>"Account"</a></li>
                </ul>
            </nav>
            <span class="who">{format!("{} ({})", session.email, session.role)}</span>
            <button type="button" on:click=sign_out>"Sign out"</button>
        </header>
        {page}
    }
}

/// The queue's filters, as the URL has them.
#[derive(Clone, Default)]
struct Filters {
    round: String,
    state: String,
    lot: String,
    code: String,
    ward: String,
    contested: bool,
    unconfirmed: bool,
    sort: String,
}

impl Filters {
    fn from_url() -> Filters {
        let p = |k| param(k).unwrap_or_default();
        Filters {
            round: p("round"),
            state: p("state"),
            lot: p("lot"),
            code: p("code"),
            ward: p("ward"),
            contested: p("contested") == "true",
            unconfirmed: p("unconfirmed") == "true",
            sort: p("sort"),
        }
    }

    /// The query string (without `?`), with `state` replaced when given.
    fn query(&self, state: Option<&str>) -> String {
        let mut q = Vec::new();
        for (k, v) in [
            ("round", self.round.as_str()),
            ("state", state.unwrap_or(&self.state)),
            ("lot", self.lot.as_str()),
            ("code", self.code.as_str()),
            ("ward", self.ward.as_str()),
            ("sort", self.sort.as_str()),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={}", enc(v)));
            }
        }
        if self.contested {
            q.push("contested=true".into());
        }
        if self.unconfirmed {
            q.push("unconfirmed=true".into());
        }
        q.join("&")
    }
}

fn relation_words(r: sidelot_domain::eligibility::Relation) -> &'static str {
    use sidelot_domain::eligibility::Relation as R;
    match r {
        R::Adjacent => "Adjacent",
        R::AcrossAlley => "Across the alley",
        R::SameBlock => "Same block",
        R::AcrossStreet => "Across the street",
        R::Nearby => "Nearby",
        R::None => "None",
    }
}

#[component]
fn QueuePage() -> impl IntoView {
    let f = Filters::from_url();
    let after = param("after").unwrap_or_default();
    let mut url = format!("/api/staff/queue?{}", f.query(None));
    if !after.is_empty() {
        url.push_str(&format!("&after={}", enc(&after)));
    }
    let page: RwSignal<Load<QueuePage>> = load(url);
    let rounds: RwSignal<Load<RoundList>> = load("/api/rounds".into());
    let f2 = f.clone();
    let round_options = move || match rounds.get() {
        Load::Ok(list) => list
            .rounds
            .into_iter()
            .map(|r| {
                let selected = r.slug == f2.round;
                view! { <option value=r.slug.clone() selected=selected>{r.name}</option> }
            })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    let state_options = LotState::ALL
        .iter()
        .map(|s| {
            let selected = s.as_str() == f.state;
            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
        })
        .collect_view();
    let f3 = f.clone();
    let f4 = f.clone();
    view! {
        <main class="page wide">
            <h1>"Review queue"</h1>
            <form method="get" action="/staff" class="filters" aria-label="Filter the queue">
                <div class="field"><label for="f-round">"Round"</label>
                    <select id="f-round" name="round"><option value="">"All rounds"</option>{round_options}</select></div>
                <div class="field"><label for="f-state">"State"</label>
                    <select id="f-state" name="state"><option value="">"Any state"</option>{state_options}</select></div>
                <div class="field"><label for="f-lot">"Lot PIN"</label>
                    <input id="f-lot" name="lot" type="text" value=f.lot.clone() /></div>
                <div class="field"><label for="f-ward">"Ward"</label>
                    <input id="f-ward" name="ward" type="text" inputmode="numeric" size="4" value=f.ward.clone() /></div>
                <div class="field"><label for="f-code">"Tracking code"</label>
                    <input id="f-code" name="code" type="text" value=f.code.clone() /></div>
                <div class="field"><label for="f-sort">"Order"</label>
                    <select id="f-sort" name="sort">
                        <option value="oldest" selected=f.sort != "newest">"Oldest first"</option>
                        <option value="newest" selected=f.sort == "newest">"Newest first"</option>
                    </select></div>
                <div class="field check"><input id="f-contested" name="contested" type="checkbox" value="true" checked=f.contested />
                    <label for="f-contested">"Contested only"</label></div>
                <div class="field check"><input id="f-unconfirmed" name="unconfirmed" type="checkbox" value="true" checked=f.unconfirmed />
                    <label for="f-unconfirmed">"Email not confirmed"</label></div>
                <div class="form-actions"><button type="submit">"Filter"</button> <a href="/staff">"Clear"</a></div>
            </form>
            {move || match page.get() {
                Load::Wait => view! { <p role="status">"Loading the queue…"</p> }.into_any(),
                Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                Load::Ok(p) => {
                    let f = f3.clone();
                    let counts = p.counts.iter().map(|c| {
                        let href = format!("/staff?{}", f.query(Some(c.state.as_str())));
                        let current = if f.state == c.state.as_str() { "true" } else { "false" };
                        view! { <li><a href=href aria-current=current>{format!("{}: {}", c.state.label(), c.count)}</a></li> }
                    }).collect_view();
                    let next = p.next.clone().map(|n| format!("/staff?{}&after={}", f.query(None), enc(&n)));
                    view! {
                        <nav aria-label="Counts per state"><ul class="counts">{counts}</ul></nav>
                        <p role="status">{format!("{} requested lots match.", p.total)}</p>
                        <table class="queue">
                            <caption class="visually-hidden">"Requested lots, one row per application and lot"</caption>
                            <thead><tr>
                                <th scope="col">"Application"</th><th scope="col">"Lot"</th><th scope="col">"Applicant's property"</th>
                                <th scope="col">"Applicant"</th><th scope="col">"Relation"</th><th scope="col">"State"</th>
                                <th scope="col">"Flags"</th><th scope="col">"Submitted"</th>
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td><a href=format!("/staff/applications/{}", r.application_id)>{r.tracking_code.clone()}</a></td>
                                        <td>{dashed(&r.lot)}<br/><span class="hint">{r.lot_address.clone().unwrap_or_default()}
                                            {r.ward.clone().map(|w| format!(" · ward {w}"))}</span></td>
                                        <td>{r.owned_address.clone().unwrap_or_else(|| dashed(&r.owned))}</td>
                                        <td>{r.applicant_name.clone()}</td>
                                        <td>{format!("{} (priority {})", relation_words(r.relation), r.priority)}</td>
                                        <td><span class=format!("state state-{}", r.state)>{r.state.label()}</span></td>
                                        <td>{r.contested.then_some("Contested ")}{(!r.email_confirmed).then_some("Email unconfirmed")}</td>
                                        <td>{when(&r.submitted_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="pager">
                            {(!param("after").unwrap_or_default().is_empty()).then(|| view! {
                                <a href=format!("/staff?{}", f.query(None))>"First page"</a>" "
                            })}
                            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
                        </p>
                    }.into_any()
                }
            }}
            {(!f4.state.is_empty()).then(|| view! { <BulkForm filters=f4.clone() /> })}
        </main>
    }
}

/// The reason fields an action needs: a catalogue reason, or a note.
#[component]
fn ReasonFields(
    action: RwSignal<String>,
    reason: RwSignal<String>,
    note: RwSignal<String>,
    reasons: RwSignal<Load<Vec<DenialReason>>>,
    prefix: String,
) -> impl IntoView {
    let needs = move || {
        Action::parse(&action.get())
            .and_then(|a| workflow::TRANSITIONS.iter().find(|t| t.action == a))
            .map_or(Reason::None, |t| t.reason)
    };
    let reason_id = format!("{prefix}-reason");
    let note_id = format!("{prefix}-note");
    let reason_id2 = reason_id.clone();
    view! {
        <div class="field" hidden=move || needs() != Reason::Catalogue>
            <label for=reason_id.clone()>"Reason (the applicant reads it)"</label>
            <select id=reason_id2 name="reason_code" prop:value=move || reason.get()
                on:change=move |ev| reason.set(event_target_value(&ev))>
                <option value="">"Choose a reason"</option>
                {move || match reasons.get() {
                    Load::Ok(list) => list.into_iter().filter(|r| r.active).map(|r| view! {
                        <option value=r.code.clone()>{r.label}</option>
                    }).collect_view().into_any(),
                    _ => ().into_any(),
                }}
            </select>
        </div>
        <div class="field">
            <label for=note_id.clone()>{move || if needs() == Reason::Note { "Note (required: why)" } else { "Note (staff only, optional)" }}</label>
            <textarea id=note_id name="note" rows=2 prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
        </div>
    }
}

#[component]
fn BulkForm(filters: Filters) -> impl IntoView {
    let Some(from) = LotState::parse(&filters.state) else {
        return ().into_any();
    };
    let actions = workflow::actions_from(from);
    let action = RwSignal::new(
        actions
            .first()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let reasons: RwSignal<Load<Vec<DenialReason>>> = load("/api/staff/reasons".into());
    let result = RwSignal::new(None::<Result<BulkResult, String>>);
    let f = filters.clone();
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let question = format!(
            "Apply \u{201c}{}\u{201d} to every requested lot in {} matching these filters?",
            Action::parse(&action.get_untracked()).map_or("", Action::label),
            from.label()
        );
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let body = json!({
            "round": (!f.round.is_empty()).then_some(f.round.clone()),
            "state": f.state.clone(),
            "lot": (!f.lot.is_empty()).then_some(f.lot.clone()),
            "ward": (!f.ward.is_empty()).then_some(f.ward.clone()),
            "action": action.get_untracked(),
            "reason_code": Some(reason.get_untracked()).filter(|r| !r.is_empty()),
            "note": Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        });
        spawn_local(async move {
            result.set(Some(
                api::post_json::<BulkResult>("/api/staff/bulk", &body)
                    .await
                    .map_err(|e| {
                        let fields: Vec<String> = e
                            .fields()
                            .iter()
                            .map(|f| format!("{}: {}", f.field, f.message))
                            .collect();
                        if fields.is_empty() {
                            e.message()
                        } else {
                            fields.join("; ")
                        }
                    }),
            ));
        });
    };
    view! {
        <section class="bulk" aria-labelledby="bulk-title">
            <h2 id="bulk-title">{format!("Bulk action on everything in {} under these filters", from.label())}</h2>
            <form on:submit=submit>
                <div class="field">
                    <label for="bulk-action">"Action"</label>
                    <select id="bulk-action" prop:value=move || action.get() on:change=move |ev| action.set(event_target_value(&ev))>
                        {actions.iter().map(|a| view! { <option value=a.as_str()>{a.label()}</option> }).collect_view()}
                    </select>
                </div>
                <ReasonFields action reason note reasons prefix="bulk".into() />
                <div class="form-actions"><button type="submit">"Apply to all"</button></div>
            </form>
            <div role="status">
                {move || match result.get() {
                    None => ().into_any(),
                    Some(Err(m)) => view! { <p class="verdict no">{m}</p> }.into_any(),
                    Some(Ok(r)) => view! {
                        <p class="verdict yes">{format!("{} moved, {} refused.", r.moved.len(), r.refused.len())}
                            " " <a href=window().location().href().unwrap_or_default()>"Refresh the queue"</a></p>
                        <ul>{r.refused.into_iter().map(|x| view! { <li>{format!("{} lot {}: {}", x.tracking_code, dashed(&x.lot), x.message)}</li> }).collect_view()}</ul>
                    }.into_any(),
                }}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn ApplicationPage(id: i64) -> impl IntoView {
    let app: RwSignal<Load<StaffApplication>> = load(format!("/api/staff/applications/{id}"));
    let reasons: RwSignal<Load<Vec<DenialReason>>> = load("/api/staff/reasons".into());
    let announce = RwSignal::new(String::new());
    let refresh = move || {
        spawn_local(async move {
            if let Ok(a) =
                api::get_json::<StaffApplication>(&format!("/api/staff/applications/{id}")).await
            {
                app.set(Load::Ok(a));
            }
        });
    };
    view! {
        <main class="page wide">
            <p><a href="/staff">"Back to the queue"</a></p>
            <p role="status" class="announce">{move || announce.get()}</p>
            {move || match app.get() {
                Load::Wait => view! { <p role="status">"Loading…"</p> }.into_any(),
                Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                Load::Ok(a) => view! {
                    <h1>{format!("Application {}", a.tracking_code)}</h1>
                    <dl class="facts">
                        <dt>"Applicant"</dt><dd>{a.applicant_name.clone()}</dd>
                        <dt>"Email"</dt><dd>{a.email.clone()}{if a.email_confirmed { " (confirmed)" } else { " (not confirmed)" }}</dd>
                        <dt>"Phone"</dt><dd>{a.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Mailing address"</dt><dd>{a.mailing_address.clone()}</dd>
                        <dt>"Their property"</dt><dd>{match &a.owned_address {
                            Some(addr) => format!("{addr} ({})", dashed(&a.owned)),
                            None => format!("PIN {} (no address on record)", dashed(&a.owned)),
                        }}</dd>
                        <dt>"Planned use"</dt><dd>{format!("{}{}", a.planned_use.replace('_', " "), a.planned_use_details.clone().map(|d| format!(": {d}")).unwrap_or_default())}</dd>
                        <dt>"Round"</dt><dd>{a.round.clone()}</dd>
                        <dt>"Submitted"</dt><dd>{when(&a.submitted_at)}</dd>
                        <dt>"Proof of ownership"</dt>
                        <dd><a href=a.deed_url.clone() target="_blank" rel="noopener">{format!("Open the deed ({})", a.deed_type)}</a></dd>
                    </dl>
                    {a.lots.iter().cloned().map(|l| view! {
                        <LotReview application=id lot=l reasons announce on_done=refresh />
                    }).collect_view()}
                    <NoteForm application=id announce on_done=refresh />
                    <h2>"History"</h2>
                    <table class="history-table">
                        <thead><tr><th scope="col">"When"</th><th scope="col">"Lot"</th><th scope="col">"Who"</th>
                            <th scope="col">"Step"</th><th scope="col">"Reason"</th><th scope="col">"Note"</th></tr></thead>
                        <tbody>
                            {a.history.iter().map(|h| view! {
                                <tr>
                                    <td>{when(&h.at)}</td>
                                    <td>{h.lot.as_deref().map(dashed).unwrap_or_default()}</td>
                                    <td>{h.actor.clone()}</td>
                                    <td>{match (&h.from, &h.to) {
                                        (Some(f), Some(t)) => format!("{} → {}", label(f), label(t)),
                                        _ => h.kind.replace('_', " "),
                                    }}</td>
                                    <td>{h.reason_code.clone().unwrap_or_default()}</td>
                                    <td>{h.note.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </main>
    }
}

fn label(state: &str) -> String {
    LotState::parse(state).map_or_else(|| state.to_owned(), |s| s.label().to_owned())
}

#[component]
fn LotReview<F: Fn() + Copy + Send + Sync + 'static>(
    application: i64,
    lot: StaffLot,
    reasons: RwSignal<Load<Vec<DenialReason>>>,
    announce: RwSignal<String>,
    on_done: F,
) -> impl IntoView {
    let pin = lot.pin.clone();
    let chosen = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = move |act: String| {
        let pin = pin.clone();
        busy.set(true);
        spawn_local(async move {
            let body = json!({
                "action": act,
                "reason_code": Some(reason.get_untracked()).filter(|r| !r.is_empty()),
                "note": Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            });
            let url = format!("/api/staff/applications/{application}/lots/{pin}/transition");
            match api::post_json::<Vec<sidelot_domain::api::TransitionDone>>(&url, &body).await {
                Ok(moved) => {
                    let last = moved.last().map_or("", |m| m.to.label());
                    announce.set(format!("Lot {} is now in {last}.", dashed(&pin)));
                    failure.set(None);
                    chosen.set(String::new());
                    reason.set(String::new());
                    note.set(String::new());
                    on_done();
                }
                Err(e) => {
                    let fields: Vec<String> = e
                        .fields()
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect();
                    failure.set(Some(if fields.is_empty() {
                        e.message()
                    } else {
                        fields.join("; ")
                    }));
                }
            }
            busy.set(false);
        });
    };
    let needs_reason = |a: Action| {
        workflow::TRANSITIONS
            .iter()
            .find(|t| t.action == a)
            .is_some_and(|t| t.reason != Reason::None)
    };
    let send2 = send.clone();
    let buttons = lot
        .actions
        .iter()
        .map(|a| {
            let a = *a;
            let send = send.clone();
            let click = move |_| {
                if needs_reason(a) {
                    chosen.set(a.as_str().to_owned());
                } else {
                    send(a.as_str().to_owned());
                }
            };
            view! { <button type="button" class=format!("act act-{a}") on:click=click disabled=move || busy.get()>{a.label()}</button> }
        })
        .collect_view();
    let confirm = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        send2(chosen.get_untracked());
    };
    let paths = lot
        .map
        .as_ref()
        .map(|m| shape::paths(m, 240.0))
        .unwrap_or_default();
    let heading = format!(
        "Lot {}{}",
        dashed(&lot.pin),
        lot.address
            .as_ref()
            .map(|a| format!(" — {a}"))
            .unwrap_or_default()
    );
    let prefix = format!("lot-{}", lot.pin);
    view! {
        <section class="lot-review" aria-label=heading.clone()>
            <h2>{heading.clone()}</h2>
            <p>"State: "<span class=format!("state state-{}", lot.state)>{lot.state.label()}</span>
                {lot.denial_reason.clone().map(|r| format!(" — {r}"))}</p>
            <div class="lot-grid">
                <svg viewBox="0 0 240 240" width="240" height="240" role="img"
                    aria-label="The lot (green) and the applicant's property (blue outline), to scale">
                    {paths.first().cloned().map(|d| view! { <path d=d class="shape-lot" /> })}
                    {paths.get(1).cloned().map(|d| view! { <path d=d class="shape-owned" /> })}
                </svg>
                <dl class="facts">
                    <dt>"Relation"</dt><dd>{format!("{} (priority {})", relation_words(lot.relation), lot.priority)}</dd>
                    <dt>"Shared boundary"</dt><dd>{format!("{:.1} m", lot.shared_boundary_m)}</dd>
                    <dt>"Distance"</dt><dd>{format!("{:.1} m", lot.distance_m)}</dd>
                    <dt>"Same block"</dt><dd>{if lot.same_block { "Yes" } else { "No" }}</dd>
                    <dt>"Explanation"</dt><dd>{lot.explanation.clone()}</dd>
                    <dt>"Other open applications"</dt><dd>{lot.rivals}</dd>
                </dl>
            </div>
            <div class="actions" role="group" aria-label=format!("Actions for lot {}", dashed(&lot.pin))>{buttons}</div>
            <form class="reason-form" on:submit=confirm hidden=move || chosen.get().is_empty()>
                <h3>{move || Action::parse(&chosen.get()).map_or("", Action::label).trim_end_matches('…').to_owned()}</h3>
                <ReasonFields action=chosen reason note reasons prefix />
                <div class="form-actions">
                    <button type="submit" disabled=move || busy.get()>"Confirm"</button>
                    <button type="button" on:click=move |_| chosen.set(String::new())>"Cancel"</button>
                </div>
            </form>
            <p role="alert" class="field-error">{move || failure.get().unwrap_or_default()}</p>
        </section>
    }
}

#[component]
fn NoteForm<F: Fn() + Copy + Send + Sync + 'static>(
    application: i64,
    announce: RwSignal<String>,
    on_done: F,
) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let failure = RwSignal::new(String::new());
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let body = json!({"note": note.get_untracked()});
        spawn_local(async move {
            match api::post_json::<()>(
                &format!("/api/staff/applications/{application}/notes"),
                &body,
            )
            .await
            {
                Ok(()) => {
                    note.set(String::new());
                    failure.set(String::new());
                    announce.set("Note added.".into());
                    on_done();
                }
                Err(e) => failure.set(
                    e.fields()
                        .first()
                        .map_or_else(|| e.message(), |f| format!("{}: {}", f.field, f.message)),
                ),
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=submit>
            <div class="field"><label for="staff-note">"Add a note (staff only)"</label>
                <textarea id="staff-note" rows=2 prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <p class="field-error" role="alert">{move || failure.get()}</p></div>
            <div class="form-actions"><button type="submit">"Add note"</button></div>
        </form>
    }
}

#[component]
fn ContestedPage() -> impl IntoView {
    let lots: RwSignal<Load<Vec<ContestedLot>>> = load("/api/staff/contested".into());
    view! {
        <main class="page wide">
            <h1>"Contested lots"</h1>
            <p class="hint">"Lots that more than one open application wants. The round's priority order decides; equal priority goes to the lottery."</p>
            {move || match lots.get() {
                Load::Wait => view! { <p role="status">"Loading…"</p> }.into_any(),
                Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                Load::Ok(list) if list.is_empty() => view! { <p>"No lot is contested."</p> }.into_any(),
                Load::Ok(list) => list.into_iter().map(|l| view! {
                    <section class="contested">
                        <h2>{format!("Lot {}{} ({})", dashed(&l.lot), l.address.map(|a| format!(" — {a}")).unwrap_or_default(), l.round)}</h2>
                        <table>
                            <thead><tr><th scope="col">"Application"</th><th scope="col">"Applicant"</th><th scope="col">"Relation"</th>
                                <th scope="col">"Priority"</th><th scope="col">"State"</th></tr></thead>
                            <tbody>{l.applications.into_iter().map(|r| view! {
                                <tr>
                                    <td><a href=format!("/staff/applications/{}", r.application_id)>{r.tracking_code}</a></td>
                                    <td>{r.applicant_name}</td>
                                    <td>{relation_words(r.relation)}</td>
                                    <td>{r.priority}</td>
                                    <td>{r.state.label()}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    </section>
                }).collect_view().into_any(),
            }}
        </main>
    }
}

#[component]
fn AccountPage() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let body = json!({"current": current.get_untracked(), "new": new.get_untracked()});
        spawn_local(async move {
            result.set(Some(
                api::post_json::<()>("/api/staff/password", &body)
                    .await
                    .map_err(|e| {
                        let f: Vec<String> = e
                            .fields()
                            .iter()
                            .map(|f| format!("{}: {}", f.field, f.message))
                            .collect();
                        if f.is_empty() {
                            e.message()
                        } else {
                            f.join("; ")
                        }
                    }),
            ));
        });
    };
    view! {
        <main class="page">
            <h1>"Your account"</h1>
            <h2>"Change your password"</h2>
            <form on:submit=submit>
                <div class="field"><label for="pw-current">"Current password"</label>
                    <input id="pw-current" type="password" autocomplete="current-password" on:input=move |ev| current.set(event_target_value(&ev)) /></div>
                <div class="field"><label for="pw-new">"New password (12 characters or more)"</label>
                    <input id="pw-new" type="password" autocomplete="new-password" on:input=move |ev| new.set(event_target_value(&ev)) /></div>
                <div class="form-actions"><button type="submit">"Change password"</button></div>
            </form>
            <p role="status">{move || match result.get() {
                None => String::new(),
                Some(Ok(())) => "Your password is changed; your other sessions have ended.".into(),
                Some(Err(m)) => m,
            }}</p>
        </main>
    }
}

#[component]
fn AdminPage() -> impl IntoView {
    let reasons: RwSignal<Load<Vec<DenialReason>>> = load("/api/staff/reasons".into());
    let users: RwSignal<Load<Vec<StaffAccount>>> = load("/api/staff/users".into());
    let outbox: RwSignal<Load<Vec<OutboxMessage>>> = load("/api/staff/outbox".into());
    let rounds: RwSignal<Load<RoundList>> = load("/api/rounds".into());
    let message = RwSignal::new(String::new());
    let (code, rlabel, plain) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (email, role, password) = (
        RwSignal::new(String::new()),
        RwSignal::new("reviewer".to_owned()),
        RwSignal::new(String::new()),
    );
    let report = move |r: Result<serde_json::Value, ApiError>, done: &str| match r {
        Ok(_) => {
            message.set(done.to_owned());
            refetch(reasons, "/api/staff/reasons");
            refetch(users, "/api/staff/users");
            refetch(outbox, "/api/staff/outbox");
            refetch(rounds, "/api/rounds");
        }
        Err(e) => {
            let f: Vec<String> = e
                .fields()
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect();
            message.set(if f.is_empty() {
                e.message()
            } else {
                f.join("; ")
            });
        }
    };
    let save_reason = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let body = json!({"code": code.get_untracked(), "label": rlabel.get_untracked(), "plain": plain.get_untracked(), "active": true});
        spawn_local(async move {
            report(
                api::post_json("/api/staff/reasons", &body).await,
                "Reason saved.",
            )
        });
    };
    let add_user = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let body = json!({"email": email.get_untracked(), "role": role.get_untracked(), "password": password.get_untracked()});
        spawn_local(async move {
            report(
                api::post_json("/api/staff/users", &body).await,
                "Account created.",
            )
        });
    };
    let round_toml = RwSignal::new(include_str!("../../gis-data/rounds/example.toml").to_owned());
    let create_round = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let body = json!({"toml": round_toml.get_untracked()});
        spawn_local(async move {
            report(
                api::post_json("/api/staff/rounds", &body).await,
                "Round created.",
            )
        });
    };
    let change_user = move |id: i64, body: serde_json::Value| {
        spawn_local(async move {
            report(
                api::post_json(&format!("/api/staff/users/{id}"), &body).await,
                "Account changed.",
            )
        });
    };
    let lottery_round = RwSignal::new(String::new());
    let lottery_source = RwSignal::new(String::new());
    let lottery_randomness = RwSignal::new(String::new());
    let commit_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let url = format!(
            "/api/staff/rounds/{}/lottery",
            enc(&lottery_round.get_untracked())
        );
        let body = json!({"randomness_source": lottery_source.get_untracked()});
        spawn_local(async move {
            report(
                api::post_json(&url, &body).await,
                "Entrants frozen and the statement committed.",
            )
        });
    };
    let draw_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let round = lottery_round.get_untracked();
        if !window()
            .confirm_with_message(&format!(
                "Draw the lottery of {round} now? A round is drawn once."
            ))
            .unwrap_or(false)
        {
            return;
        }
        let url = format!("/api/staff/rounds/{}/lottery/draw", enc(&round));
        let body = json!({"randomness": lottery_randomness.get_untracked()});
        spawn_local(
            async move { report(api::post_json(&url, &body).await, "Drawn and published.") },
        );
    };
    let redraw_reason = RwSignal::new(String::new());
    let redraw_lottery = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let round = lottery_round.get_untracked();
        let url = format!("/api/staff/rounds/{}/lottery/redraw", enc(&round));
        let body = json!({"reason": redraw_reason.get_untracked(), "randomness_source": lottery_source.get_untracked()});
        spawn_local(async move {
            report(
                api::post_json(&url, &body).await,
                "Committed again for a redraw; the reason is published.",
            )
        });
    };
    let resend = move |id: i64| {
        spawn_local(async move {
            report(
                api::post_json(&format!("/api/staff/outbox/{id}/resend"), &json!({})).await,
                "Queued again.",
            )
        });
    };
    view! {
        <main class="page wide">
            <h1>"Admin"</h1>
            <p role="status">{move || message.get()}</p>
            <section aria-labelledby="rounds-title">
                <h2 id="rounds-title">"Rounds"</h2>
                {move || match rounds.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Round"</th><th scope="col">"State"</th><th scope="col">"Opens"</th>
                            <th scope="col">"Closes"</th><th scope="col">"Lots"</th><th scope="col">"Export"</th><th scope="col">"Lottery"</th></tr></thead>
                        <tbody>{list.rounds.into_iter().map(|r| view! { <tr>
                            <td>{format!("{} ({})", r.name, r.slug)}</td><td>{format!("{:?}", r.state).to_lowercase()}</td>
                            <td>{when(&r.opens_at)}</td><td>{when(&r.closes_at)}</td><td>{r.lots}</td>
                            <td><a href=format!("/api/staff/rounds/{}/applications.csv", r.slug)>{format!("Applications of {} (CSV)", r.slug)}</a></td>
                            <td><a href=format!("/lottery/{}", r.slug)>{format!("Lottery of {}", r.slug)}</a></td>
                        </tr> }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=create_round class="inline-form">
                    <h3>"Open a new round"</h3>
                    <p class="hint">"The same file as "<code>"sidelot round create"</code>": times are local to the time zone; the rules cannot change once the round opens. Offer its lots from the Imports page."</p>
                    <div class="field"><label for="round-toml">"Round file (TOML)"</label>
                        <textarea id="round-toml" rows=16 class="code" prop:value=move || round_toml.get()
                            on:input=move |ev| round_toml.set(event_target_value(&ev))></textarea></div>
                    <div class="form-actions"><button type="submit">"Create round"</button></div>
                </form>
            </section>
            <section aria-labelledby="lottery-title">
                <h2 id="lottery-title">"Lottery"</h2>
                <p class="hint">"Once ownership and location are reviewed: freeze the entrants of the contested lots and name the randomness source in advance; when its value exists, enter it to draw. See docs/lottery.md."</p>
                <div class="field"><label for="lottery-round">"Round"</label>
                    <select id="lottery-round" on:change=move |ev| lottery_round.set(event_target_value(&ev))>
                        <option value="">"Choose the round"</option>
                        {move || match rounds.get() {
                            Load::Ok(list) => list.rounds.into_iter().map(|r| view! { <option value=r.slug.clone()>{r.name}</option> }).collect_view().into_any(),
                            _ => ().into_any(),
                        }}
                    </select></div>
                <form on:submit=commit_lottery class="inline-form">
                    <div class="field"><label for="lottery-source">"Randomness source, named in advance (for example a future beacon round)"</label>
                        <input id="lottery-source" type="text" on:input=move |ev| lottery_source.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit">"Freeze entrants and commit"</button></div>
                </form>
                <form on:submit=draw_lottery class="inline-form">
                    <div class="field"><label for="lottery-randomness">"The public randomness value"</label>
                        <input id="lottery-randomness" type="text" on:input=move |ev| lottery_randomness.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit">"Draw"</button></div>
                </form>
                <form on:submit=redraw_lottery class="inline-form">
                    <div class="field"><label for="redraw-reason">"Reason for drawing again (published; uses the source named above)"</label>
                        <input id="redraw-reason" type="text" on:input=move |ev| redraw_reason.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit" class="secondary">"Redraw"</button></div>
                </form>
            </section>
            <section aria-labelledby="reasons-title">
                <h2 id="reasons-title">"Denial reasons"</h2>
                {move || match reasons.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Code"</th><th scope="col">"Label"</th><th scope="col">"What the applicant reads"</th><th scope="col">"Active"</th></tr></thead>
                        <tbody>{list.into_iter().map(|r| view! { <tr><td>{r.code}</td><td>{r.label}</td><td>{r.plain}</td><td>{if r.active { "Yes" } else { "No" }}</td></tr> }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=save_reason class="inline-form">
                    <h3>"Add or change a reason"</h3>
                    <div class="field"><label for="r-code">"Code"</label><input id="r-code" on:input=move |ev| code.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="r-label">"Label"</label><input id="r-label" on:input=move |ev| rlabel.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="r-plain">"What the applicant reads"</label><textarea id="r-plain" rows=2 on:input=move |ev| plain.set(event_target_value(&ev))></textarea></div>
                    <div class="form-actions"><button type="submit">"Save reason"</button></div>
                </form>
            </section>
            <section aria-labelledby="users-title">
                <h2 id="users-title">"Staff accounts"</h2>
                {move || match users.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Since"</th>
                            <th scope="col">"Status"</th></tr></thead>
                        <tbody>{list.into_iter().map(|u| {
                            let id = u.id;
                            let disabled = u.disabled;
                            let roles = Role::ALL.map(|r| view! { <option value=r.as_str() selected=r == u.role>{r.as_str()}</option> });
                            view! { <tr>
                                <td>{u.email.clone()}</td>
                                <td><select aria-label=format!("Role of {}", u.email)
                                    on:change=move |ev| change_user(id, json!({"role": event_target_value(&ev)}))>{roles.into_iter().collect_view()}</select></td>
                                <td>{when(&u.created_at)}</td>
                                <td>{if disabled { "Disabled " } else { "Active " }}
                                    <button type="button" class="secondary" on:click=move |_| change_user(id, json!({"disabled": !disabled}))>
                                        {format!("{} {}", if disabled { "Enable" } else { "Disable" }, u.email)}</button></td>
                            </tr> }
                        }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
                <form on:submit=add_user class="inline-form">
                    <h3>"Add an account"</h3>
                    <div class="field"><label for="u-email">"Email"</label><input id="u-email" type="email" on:input=move |ev| email.set(event_target_value(&ev)) /></div>
                    <div class="field"><label for="u-role">"Role"</label>
                        <select id="u-role" on:change=move |ev| role.set(event_target_value(&ev))>
                            <option value="reviewer">"Reviewer"</option><option value="admin">"Admin"</option><option value="analyst">"Analyst"</option>
                        </select></div>
                    <div class="field"><label for="u-password">"First password (12 characters or more)"</label>
                        <input id="u-password" type="password" autocomplete="new-password" on:input=move |ev| password.set(event_target_value(&ev)) /></div>
                    <div class="form-actions"><button type="submit">"Add account"</button></div>
                </form>
            </section>
            <section aria-labelledby="outbox-title">
                <h2 id="outbox-title">"Outbox"</h2>
                {move || match outbox.get() {
                    Load::Ok(list) => view! {
                        <table><thead><tr><th scope="col">"Created"</th><th scope="col">"Application"</th><th scope="col">"Subject"</th>
                            <th scope="col">"Delivery"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>{list.into_iter().map(|m| {
                            let id = m.id;
                            let delivery = match (&m.sent_at, &m.last_error) {
                                (Some(at), _) => format!("Sent {}", when(at)),
                                (None, Some(err)) => format!("Waiting after {} attempts: {err}", m.attempts),
                                (None, None) => "Waiting".to_owned(),
                            };
                            view! { <tr><td>{when(&m.created_at)}</td><td>{m.tracking_code.unwrap_or_default()}</td><td>{m.subject}</td>
                                <td>{delivery}</td><td><button type="button" on:click=move |_| resend(id)>"Send again"</button></td></tr> }
                        }).collect_view()}</tbody></table>
                    }.into_any(),
                    Load::Err(m) => view! { <p role="alert">{m}</p> }.into_any(),
                    Load::Wait => ().into_any(),
                }}
            </section>
        </main>
    }
}
