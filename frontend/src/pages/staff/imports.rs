//! `/staff/imports`: an analyst uploads a parcel file or a lot inventory,
//! follows the import while it runs, and reads its report: the counts and
//! every record it refused, with the reason.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sidelot_domain::api::{ImportJob, RoundList};
use wasm_bindgen::JsCast;

use crate::api;
use crate::format::{thousands, when};
use crate::messages::{S, fill, s};

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", thousands((bytes + 1023) / 1024))
    }
}

fn status_words(job: &ImportJob) -> String {
    match job.status.as_str() {
        "queued" => { s(S::WaitingForTheImportBefore) }.into(),
        "running" => match &job.progress {
            Some(p) => match p.total {
                Some(t) if t > 0 => format!(
                    "{}: {} of {}",
                    p.phase,
                    thousands(p.done as i64),
                    thousands(t as i64)
                ),
                _ => format!("{}…", p.phase),
            },
            None => { s(S::Running) }.into(),
        },
        "succeeded" => { s(S::Done) }.into(),
        "failed" => { s(S::Failed) }.into(),
        "interrupted" => { s(S::Interrupted) }.into(),
        other => other.to_owned(),
    }
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    let jobs = RwSignal::new(Vec::<ImportJob>::new());
    let loaded = RwSignal::new(false);
    let rounds = RwSignal::new(None::<RoundList>);
    let kind = RwSignal::new("parcels".to_owned());
    let message = RwSignal::new(None::<(bool, String)>);
    // The upload this page sent last: its notice follows the job.
    let sent = RwSignal::new(None::<(i64, String)>);
    let sending = RwSignal::new(false);
    let refresh = move || {
        spawn_local(async move {
            if let Ok(list) = api::staff::imports().await {
                jobs.set(list);
                loaded.set(true);
            }
        });
    };
    refresh();
    spawn_local(async move {
        rounds.set(api::public::rounds().await.ok());
    });
    // While something runs, ask again every second.
    let _poll = set_interval_with_handle(
        move || {
            let busy = jobs.with_untracked(|j| {
                j.iter()
                    .any(|j| j.status == "queued" || j.status == "running")
            });
            if busy {
                refresh();
            }
        },
        Duration::from_millis(1000),
    );
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        sending.set(true);
        sent.set(None);
        message.set(Some((true, s(S::Uploading).into())));
        spawn_local(async move {
            match api::staff::start_import(&data).await {
                Ok(job) => {
                    message.set(None);
                    sent.set(Some((job.id, job.file_name.clone())));
                    form.reset();
                    kind.set("parcels".into());
                    refresh();
                }
                Err(e) => message.set(Some((false, e.explain()))),
            }
            sending.set(false);
        });
    };
    // The notice: a refusal or "Uploading…", or where the sent job stands now.
    let notice = move || {
        message.get().or_else(|| {
            let (id, name) = sent.get()?;
            let status = jobs.with(|j| j.iter().find(|j| j.id == id).map(|j| j.status.clone()));
            Some(match status.as_deref() {
                Some("running") => (
                    true,
                    format!("{name} is being imported: its progress shows below."),
                ),
                Some("succeeded") => (true, format!("{name} was imported: its report is below.")),
                Some("failed") => (
                    false,
                    format!("{name} could not be imported: the reason is below."),
                ),
                Some("interrupted") => (false, format!("{name} was interrupted: upload it again.")),
                _ => (true, format!("{name} is queued; its progress shows below.")),
            })
        })
    };
    let round_options = move || {
        rounds
            .get()
            .map(|r| {
                r.rounds
                    .into_iter()
                    .map(|r| view! { <option value=r.slug.clone()>{format!("{} ({})", r.name, r.slug)}</option> })
                    .collect_view()
            })
    };
    view! {
        <main class="page wide">
            <h1>{s(S::Imports)}</h1>
            <form class="upload" on:submit=submit aria-labelledby="upload-title">
                <h2 id="upload-title">{s(S::UploadAFile)}</h2>
                <fieldset class="field">
                    <legend>{s(S::WhatIsInTheFile)}</legend>
                    <label><input type="radio" name="kind" value="parcels" checked=true
                        on:change=move |_| kind.set("parcels".into()) />{s(S::KindParcels)}</label><br/>
                    <label><input type="radio" name="kind" value="lots"
                        on:change=move |_| kind.set("lots".into()) />{s(S::KindLots)}</label><br/>
                    <label><input type="radio" name="kind" value="owners"
                        on:change=move |_| kind.set("owners".into()) />{s(S::KindOwners)}</label>
                </fieldset>
                <div class="field">
                    <label for="import-file">{s(S::File)}</label>
                    <input id="import-file" name="file" type="file"
                        accept=move || if kind.get() != "parcels" { ".csv" } else { ".zip,.geojson,.json,.gpkg,.fgb,.csv" } />
                </div>
                <div class="field" hidden=move || kind.get() != "lots">
                    <label for="import-round">{s(S::Round)}</label>
                    <select id="import-round" name="round"><option value="">{s(S::ChooseTheRound)}</option>{round_options}</select>
                </div>
                <div class="field" hidden=move || kind.get() != "parcels">
                    <label for="import-pin-field">{s(S::PinColumnOptionalFoundBy)}</label>
                    <input id="import-pin-field" name="pin_field" type="text" />
                </div>
                <div class="field" hidden=move || kind.get() != "parcels">
                    <label for="import-layer">{s(S::GeopackageLayer)}</label>
                    <input id="import-layer" name="layer" type="text" />
                </div>
                <div class="field" hidden=move || kind.get() != "parcels">
                    <label for="import-geometry-field">{s(S::GeometryColumn)}</label>
                    <input id="import-geometry-field" name="geometry_field" type="text" />
                </div>
                <div class="field" hidden=move || kind.get() != "parcels">
                    <label for="import-crs">{s(S::CoordinateSystemOptionalReadFrom)}</label>
                    <input id="import-crs" name="source_crs" type="text" placeholder="EPSG:3435" />
                </div>
                <div class="form-actions"><button type="submit" disabled=move || sending.get()>{s(S::UploadAndImport)}</button></div>
                <p role="status" class=move || match notice() { Some((false, _)) => "verdict no", Some(_) => "verdict yes", None => "" }>
                    {move || notice().map(|(_, m)| m).unwrap_or_default()}
                </p>
            </form>
            <h2>{s(S::RecentImports)}</h2>
            {move || if !loaded.get() {
                view! { <p role="status">{s(S::Loading)}</p> }.into_any()
            } else if jobs.with(Vec::is_empty) {
                view! { <p>{s(S::NoImportsFromTheConsole)}</p> }.into_any()
            } else {
                view! {
                    <table class="jobs">
                        <thead><tr><th scope="col">{s(S::File)}</th><th scope="col">{s(S::Kind)}</th><th scope="col">{s(S::By)}</th>
                            <th scope="col">{s(S::Started)}</th><th scope="col">{s(S::Status)}</th><th scope="col">{s(S::Result)}</th></tr></thead>
                        <tbody>
                            {jobs.get().into_iter().map(|j| {
                                let progress = j.progress.clone().filter(|_| j.status == "running");
                                view! {
                                    <tr data-status=j.status.clone()>
                                        <td>{j.file_name.clone()}<br/><span class="hint">{size(j.size_bytes)}</span></td>
                                        <td>{j.kind.clone()}{j.round.clone().map(|r| format!(" ({r})"))}</td>
                                        <td>{j.actor.clone()}</td>
                                        <td>{when(&j.created_at)}</td>
                                        <td>
                                            {status_words(&j)}
                                            {progress.map(|p| {
                                                let (value, max) = (p.done.to_string(), p.total.unwrap_or(0).to_string());
                                                view! { <br/><progress value=value max=max aria-label=fill(s(S::ImportOf), &[&j.file_name])></progress> }
                                            })}
                                        </td>
                                        <td>
                                            {j.summary.clone().or_else(|| j.error.clone()).unwrap_or_default()}
                                            {(j.status == "succeeded" || j.status == "failed").then(|| view! {
                                                <br/><a href=format!("/staff/imports/{}", j.id)>{fill(s(S::ReportOf), &[&j.file_name])}</a>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </main>
    }
}

/// A rejected record as the report lists it.
fn reject_rows(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let list = report["rejects"]
        .as_array()
        .or_else(|| report["rejected"].as_array());
    list.map(|l| {
        l.iter()
            .map(|r| {
                let n = r
                    .get("record_no")
                    .or_else(|| r.get("line"))
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                (
                    n,
                    r["pin"].as_str().unwrap_or("").to_owned(),
                    r["reason"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

#[component]
pub fn ImportReportPage(id: i64) -> impl IntoView {
    let job = RwSignal::new(None::<Result<ImportJob, String>>);
    spawn_local(async move {
        job.set(Some(api::staff::import(id).await.map_err(|e| e.message())));
    });
    view! {
        <main class="page wide">
            <p><a href="/staff/imports">{s(S::BackToTheImports)}</a></p>
            {move || match job.get() {
                None => view! { <p role="status">{s(S::Loading)}</p> }.into_any(),
                Some(Err(m)) => view! { <p role="alert">{m}</p> }.into_any(),
                Some(Ok(j)) => {
                    let report = j.report.clone().unwrap_or_default();
                    let rows = reject_rows(&report);
                    let counts: Vec<(&str, String)> = ["records_read", "inserted", "updated", "unchanged", "repaired", "rejected", "rows", "offered", "loaded", "added", "changed", "removed"]
                        .into_iter()
                        .filter_map(|k| report.get(k).and_then(|v| v.as_i64()).map(|n| (k, thousands(n))))
                        .collect();
                    view! {
                        <h1>{fill(s(S::ImportOf), &[&j.file_name])}</h1>
                        <p>{format!("{} by {}, {}: {}", j.kind, j.actor, when(&j.created_at), status_words(&j))}</p>
                        {j.error.clone().map(|e| view! { <p class="verdict no">{e}</p> })}
                        {j.summary.clone().map(|s| view! { <p class="verdict yes">{s}</p> })}
                        <dl class="facts">
                            {counts.into_iter().map(|(k, v)| view! { <dt>{k.replace('_', " ")}</dt><dd>{v}</dd> }).collect_view()}
                        </dl>
                        <h2>{fill(s(S::RefusedRecords), &[&thousands(report["rejected"].as_i64().unwrap_or(rows.len() as i64)).to_string()])}</h2>
                        <p><a href=format!("/api/staff/imports/{id}/rejects.csv")>{s(S::DownloadEveryRefusedRecordCsv)}</a></p>
                        <table class="jobs">
                            <thead><tr><th scope="col">{if j.kind == "parcels" { s(S::Record) } else { s(S::Line) }}</th><th scope="col">"PIN"</th><th scope="col">{s(S::Reason)}</th></tr></thead>
                            <tbody>{rows.into_iter().map(|(n, pin, reason)| view! { <tr><td>{n}</td><td>{pin}</td><td>{reason}</td></tr> }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
        </main>
    }
}
