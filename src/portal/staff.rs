//! `/staff`: the front desk's and admins' pages (docs/PORTAL.md, "Staff pages"): find
//! members, edit every part of a record (the staff-only properties too), suspend, invite
//! again, ask for a new password, reset two-step sign-in, export, erase with the address
//! typed again; the location's audit log and outbox. The same cookie, CSRF and service
//! functions as the member's pages and the staff API.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde_json::{Map, Value};

use super::browser::{GenuineForm, SignedIn};
use super::form::{self, Posted};
use super::page;
use crate::domain::FieldError;
use crate::domain::catalogue::Section;
use crate::domain::custom::CustomField;
use crate::domain::profile::Profile;
use crate::domain::staff::{Staff, StaffAction};
use crate::service::staff::{self as service, AuditFilter, MemberSearch};
use crate::service::{AppState, ServiceError};
use crate::web::{Client, SharedState};

/// A signed-in browser whose user is staff.
pub struct StaffPage {
    signed_in: SignedIn,
    staff: Staff,
}

async fn staff_page(app: &AppState, signed_in: SignedIn) -> Result<StaffPage, Response> {
    match service::of_session(app, &signed_in.session).await {
        Ok(staff) => Ok(StaffPage { signed_in, staff }),
        Err(error) => Err(page::error(&error)),
    }
}

fn layout(title: &str, page: &StaffPage, body: Markup) -> Markup {
    let may_audit = !page.staff.locations_for(StaffAction::ReadAudit).is_empty();
    let body = html! {
        nav.staff aria-label="Staff" {
            a href="/staff" { "Members" }
            @if may_audit {
                a href="/staff/audit" { "Audit log" }
                a href="/staff/outbox" { "Outbox" }
            }
        }
        (body)
    };
    page::layout(title, Some(&page.signed_in.csrf), body)
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    query: Option<String>,
    status: Option<String>,
    location: Option<i64>,
    page: Option<i64>,
}

pub async fn list(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Query(query): Query<ListQuery>,
) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let (is_member, active) = match query.status.as_deref() {
        Some("members") => (Some(true), Some(true)),
        Some("contacts") => (Some(false), None),
        Some("suspended") => (None, Some(false)),
        _ => (None, None),
    };
    let search = MemberSearch {
        search: query.query.clone(),
        is_member,
        active,
        location_id: query.location,
        page: query.page.unwrap_or(1),
        size: 25,
        ..MemberSearch::default()
    };
    let (found, locations) = match tokio::try_join!(
        service::list(&app, &page.staff, search),
        service::locations(&app, &page.staff, StaffAction::Read)
    ) {
        Ok(both) => both,
        Err(error) => return page::error(&error),
    };
    let typed = query.query.clone().unwrap_or_default();
    let status = query.status.clone().unwrap_or_default();
    let link = |n: i64| {
        let mut url = url::Url::parse("http://portal/staff").expect("a fixed URL");
        url.query_pairs_mut()
            .append_pair("query", &typed)
            .append_pair("status", &status)
            .append_pair("page", &n.to_string());
        if let Some(location) = query.location {
            url.query_pairs_mut().append_pair("location", &location.to_string());
        }
        format!("/staff?{}", url.query().unwrap_or_default())
    };
    let body = html! {
        h1 { "Members" }
        form.search role="search" method="get" action="/staff" {
            div.field {
                label for="f-query" { "Name, e-mail or company" }
                input type="search" id="f-query" name="query" value=(typed) maxlength="200";
            }
            div.field {
                label for="f-status" { "Show" }
                select id="f-status" name="status" {
                    @for (value, label) in [("", "Everyone"), ("members", "Active members"), ("contacts", "Contacts"), ("suspended", "Suspended")] {
                        option value=(value) selected[status == value] { (label) }
                    }
                }
            }
            @if locations.len() > 1 {
                div.field {
                    label for="f-location" { "Location" }
                    select id="f-location" name="location" {
                        option value="" { "All of mine" }
                        @for location in &locations {
                            option value=(location.id) selected[query.location == Some(location.id)] { (location.name) }
                        }
                    }
                }
            }
            button type="submit" { "Find" }
        }
        p role="status" { (found.total) (if found.total == 1 { " member" } else { " members" }) }
        // A table wider than the page scrolls in its box, which the keyboard can reach.
        div.table tabindex="0" role="region" aria-label="Members" { table.members {
            thead { tr { th scope="col" { "Name" } th scope="col" { "E-mail" } th scope="col" { "Company" } th scope="col" { "Location" } th scope="col" { "Status" } } }
            tbody {
                @for profile in &found.profiles {
                    tr {
                        td { a href=(format!("/staff/members/{}", profile.id)) { (profile.values.text(crate::domain::catalogue::Field::FullName).unwrap_or("(no name)")) } }
                        td { (profile.email) }
                        td { (profile.values.text(crate::domain::catalogue::Field::CompanyName).unwrap_or("")) }
                        td { (profile.location_name) }
                        td { (status_of(profile)) }
                    }
                }
            }
        } }
        nav.pages aria-label="Pages" {
            @if found.page > 1 { a rel="prev" href=(link(found.page - 1)) { "Previous" } }
            @if found.page * found.size < found.total { a rel="next" href=(link(found.page + 1)) { "Next" } }
        }
    };
    page::respond(StatusCode::OK, layout("Members", &page, body))
}

fn status_of(profile: &Profile) -> &'static str {
    if !profile.active {
        "Suspended"
    } else if profile.values.flag(crate::domain::catalogue::Field::IsMember) {
        "Member"
    } else {
        "Contact"
    }
}

const SECTIONS: [(Section, &str); 5] = [
    (Section::Personal, "Personal information"),
    (Section::Professional, "Professional profile"),
    (Section::Billing, "Billing information"),
    (Section::Notifications, "Notifications"),
    (Section::Access, "Access (staff only)"),
];

/// What happened on the member's page just before it is shown.
#[derive(Default)]
struct Outcome {
    message: Option<String>,
    failed: Option<(Posted, Vec<FieldError>)>,
}

pub async fn member(signed_in: SignedIn, State(app): State<SharedState>, Path(id): Path<i64>) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    render_member(&app, &page, id, StatusCode::OK, Outcome::default()).await
}

async fn render_member(
    app: &AppState,
    page: &StaffPage,
    id: i64,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let profile = match service::get(app, &page.staff, id).await {
        Ok(profile) => profile,
        Err(error) => return page::error(&error),
    };
    let custom = match crate::service::custom_fields::of_location(app, profile.location_id).await {
        Ok(custom) => custom,
        Err(error) => return page::error(&error),
    };
    let role = page.staff.role_at(profile.location_id);
    let may = |action: StaffAction| page.staff.may(action, profile.location_id);
    let name =
        profile.values.text(crate::domain::catalogue::Field::FullName).unwrap_or("(no name)").to_string();
    let (typed, errors): (Option<&Posted>, HashMap<&str, &FieldError>) = match &outcome.failed {
        Some((posted, errors)) => (Some(posted), errors.iter().map(|e| (e.property.as_str(), e)).collect()),
        None => (None, HashMap::new()),
    };
    let csrf = &page.signed_in.csrf;
    let action = |path: &str| format!("/staff/members/{}/{path}", profile.id);
    let body = html! {
        p { a href="/staff" { "All members" } }
        h1 { (name) }
        p.location { (profile.email) " · " (profile.location_name) " · " strong { (status_of(&profile)) } }
        @if let Some(message) = &outcome.message { p.saved role="status" { (message) } }
        @if let Some((_, all)) = &outcome.failed {
            div.summary role="alert" {
                p { "Nothing was saved:" }
                ul { @for error in all { li { a href=(format!("#f-{}", error.property)) { (error.property) ": " (error.message) } } } }
            }
        }
        section.card aria-labelledby="h-actions" {
            h2 id="h-actions" { "Actions" }
            div.actions {
                @if profile.active {
                    (button(csrf, &action("suspend"), "Suspend", "Suspend: no sign-in, out of the directory"))
                } @else {
                    (button(csrf, &action("reactivate"), "Reactivate", "Reactivate"))
                }
                (button(csrf, &action("invitation"), "Invite again", "Send a new invitation"))
                (button(csrf, &action("require-new-password"), "Require a new password", "Require a new password at the next sign-in"))
                @if may(StaffAction::ResetTwoFactor) {
                    (button(csrf, &action("reset-two-factor"), "Reset two-step sign-in", "Turn two-step sign-in off"))
                }
                @if may(StaffAction::Export) {
                    a.button href=(action("export")) download=(format!("member-{}.json", profile.id)) { "Export their data" }
                }
            }
        }
        form method="post" action=(format!("/staff/members/{}", profile.id)) novalidate {
            (page::csrf_input(csrf))
            @for (section, title) in SECTIONS {
                @if section != Section::Access || may(StaffAction::Edit) {
                    section.card aria-labelledby=(format!("h-{title}")) {
                        h2 id=(format!("h-{title}")) { (title) }
                        @for field in form::fields(section) {
                            @let value = typed.and_then(|t| t.get(field.property()).cloned()).unwrap_or_else(|| form::shown(profile.values.get(field)));
                            (form::input(field, &value, errors.get(field.property()).copied()))
                        }
                    }
                }
            }
            @if !custom.is_empty() {
                section.card aria-labelledby="h-custom" {
                    h2 id="h-custom" { "Custom fields of " (profile.location_name) }
                    @for definition in &custom {
                        @let property = definition.property();
                        @let value = typed.and_then(|t| t.get(property).cloned()).unwrap_or_else(|| profile.values.text(definition.field()).unwrap_or_default().to_string());
                        (form::custom_input(definition, &value, errors.get(property).copied()))
                    }
                }
            }
            button type="submit" { "Save changes" }
        }
        @if may(StaffAction::Erase) {
            section.card.danger aria-labelledby="h-erase" {
                h2 id="h-erase" { "Erase this member" }
                p { "Deletes the member, every profile, photo, session and link of theirs, their change history and queued mail, at once. The audit log keeps only the kinds and times of their events. This cannot be undone." }
                form method="post" action=(action("erase")) {
                    (page::csrf_input(csrf))
                    div.field {
                        label for="f-confirm" { "Type their e-mail address to confirm" }
                        input type="text" id="f-confirm" name="confirm" autocomplete="off" required;
                    }
                    button.danger type="submit" { "Erase " (name) }
                }
            }
        }
        @if role.is_none() { p { "You are not staff at this location." } }
    };
    page::respond(status, layout(&name, page, body))
}

fn button(csrf: &str, action: &str, label: &str, description: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (page::csrf_input(csrf))
            button.secondary type="submit" title=(description) { (label) }
        }
    }
}

/// The changes of the member's form: what differs from the record, as the API takes it.
fn changes(profile: &Profile, custom: &[CustomField], posted: &Posted) -> Map<String, Value> {
    let mut body = Map::new();
    for (section, _) in SECTIONS {
        body.extend(form::changes(section, profile, posted));
    }
    for definition in custom {
        let property = definition.property();
        let Some(text) = posted.get(property) else { continue };
        if text.trim() != profile.values.text(definition.field()).unwrap_or_default().trim() {
            let value = if text.trim().is_empty() { Value::Null } else { Value::from(text.as_str()) };
            body.insert(property.to_string(), value);
        }
    }
    body
}

pub async fn save(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(id): Path<i64>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let profile = match service::get(&app, &page.staff, id).await {
        Ok(profile) => profile,
        Err(error) => return page::error(&error),
    };
    let custom = match crate::service::custom_fields::of_location(&app, profile.location_id).await {
        Ok(custom) => custom,
        Err(error) => return page::error(&error),
    };
    let body = changes(&profile, &custom, &posted);
    if body.is_empty() {
        let outcome = Outcome { message: Some("Nothing had changed.".into()), ..Outcome::default() };
        return render_member(&app, &page, id, StatusCode::OK, outcome).await;
    }
    match service::update(&app, &page.staff, id, &body, Some(profile.version), &client).await {
        Ok(_) => {
            let outcome = Outcome { message: Some("Saved.".into()), ..Outcome::default() };
            render_member(&app, &page, id, StatusCode::OK, outcome).await
        }
        Err(ServiceError::Validation(errors)) => {
            let outcome = Outcome { failed: Some((posted, errors.into_vec())), ..Outcome::default() };
            render_member(&app, &page, id, StatusCode::BAD_REQUEST, outcome).await
        }
        Err(error) => page::error(&error),
    }
}

pub async fn act(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path((id, action)): Path<(i64, String)>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let staff = &page.staff;
    let done = match action.as_str() {
        "suspend" => service::set_active(&app, staff, id, false, &client)
            .await
            .map(|_| "Suspended: every session ended."),
        "reactivate" => service::set_active(&app, staff, id, true, &client).await.map(|_| "Active again."),
        "invitation" => service::resend_invitation(&app, staff, id, &client)
            .await
            .map(|_| "A new invitation is on its way."),
        "require-new-password" => service::require_new_password(&app, staff, id, &client)
            .await
            .map(|_| "They will choose a new password at their next sign-in."),
        "reset-two-factor" => service::reset_two_factor(&app, staff, id, &client)
            .await
            .map(|_| "Two-step sign-in is off; they may turn it on again."),
        "erase" => return erase(&app, &page, id, &posted, &client).await,
        _ => return page::failed(StatusCode::NOT_FOUND, "There is no such action."),
    };
    match done {
        Ok(message) => {
            let outcome = Outcome { message: Some(message.into()), ..Outcome::default() };
            render_member(&app, &page, id, StatusCode::OK, outcome).await
        }
        Err(error) => page::error(&error),
    }
}

async fn erase(
    app: &AppState,
    page: &StaffPage,
    id: i64,
    posted: &Posted,
    client: &crate::service::session::ClientInfo,
) -> Response {
    let profile = match service::get(app, &page.staff, id).await {
        Ok(profile) => profile,
        Err(error) => return page::error(&error),
    };
    let typed = posted.get("confirm").map(|t| t.trim().to_lowercase()).unwrap_or_default();
    if typed != profile.email.to_lowercase() {
        let outcome = Outcome {
            message: Some("The address typed does not match theirs; nothing was erased.".into()),
            ..Outcome::default()
        };
        return render_member(app, page, id, StatusCode::BAD_REQUEST, outcome).await;
    }
    match service::erase(app, &page.staff, id, client).await {
        Ok(()) => Redirect::to("/staff?erased=1").into_response(),
        Err(error) => page::error(&error),
    }
}

pub async fn export(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(id): Path<i64>,
    Client(client): Client,
    export_json: super::ExportJson,
) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let base = app
        .settings
        .public_url
        .as_ref()
        .map_or("http://localhost:8080".to_string(), |u| u.as_str().trim_end_matches('/').to_string());
    match service::export(&app, &page.staff, id, &client).await {
        Ok(export) => {
            let json = serde_json::to_string_pretty(&export_json(&export, &base)).unwrap_or_default();
            let mut response = json.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            if let Ok(disposition) =
                HeaderValue::from_str(&format!("attachment; filename=\"member-{id}.json\""))
            {
                headers.insert(header::CONTENT_DISPOSITION, disposition);
            }
            response
        }
        Err(error) => page::error(&error),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    location: Option<i64>,
    who: Option<String>,
    event: Option<String>,
    since: Option<String>,
    until: Option<String>,
}

fn day(text: Option<&str>) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text?.trim(), format).ok()?;
    Some(date.midnight().assume_utc())
}

pub async fn audit(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Query(query): Query<AuditQuery>,
) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let until = day(query.until.as_deref()).map(|d| d + time::Duration::days(1));
    let filter = AuditFilter {
        location_id: query.location,
        event: query.event.clone(),
        who: query.who.clone(),
        since: day(query.since.as_deref()),
        until,
        limit: 200,
    };
    let (records, locations) = match tokio::try_join!(
        service::audit(&app, &page.staff, filter),
        service::locations(&app, &page.staff, StaffAction::ReadAudit)
    ) {
        Ok(both) => both,
        Err(error) => return page::error(&error),
    };
    let value = |text: &Option<String>| text.clone().unwrap_or_default();
    let body = html! {
        h1 { "Audit log" }
        form.search method="get" action="/staff/audit" {
            @if locations.len() > 1 {
                div.field {
                    label for="f-location" { "Location" }
                    select id="f-location" name="location" {
                        @for location in &locations {
                            option value=(location.id) selected[query.location == Some(location.id)] { (location.name) }
                        }
                    }
                }
            }
            div.field { label for="f-who" { "Who (e-mail)" } input type="email" id="f-who" name="who" value=(value(&query.who)); }
            div.field { label for="f-event" { "What (e.g. sign_in_failed)" } input type="text" id="f-event" name="event" value=(value(&query.event)); }
            div.field { label for="f-since" { "From" } input type="date" id="f-since" name="since" value=(value(&query.since)); }
            div.field { label for="f-until" { "To" } input type="date" id="f-until" name="until" value=(value(&query.until)); }
            button type="submit" { "Filter" }
        }
        p role="status" { (records.len()) " events, newest first" }
        // A table wider than the page scrolls in its box, which the keyboard can reach.
        div.table tabindex="0" role="region" aria-label="Audit log" { table.audit {
            thead { tr { th scope="col" { "When" } th scope="col" { "What" } th scope="col" { "Member" } th scope="col" { "By" } th scope="col" { "From" } th scope="col" { "Detail" } } }
            tbody {
                @for record in &records {
                    tr {
                        td { (crate::clock::rfc3339(record.at)) }
                        td { (record.event) }
                        td { @if let Some(id) = record.user_id { "user " (id) } }
                        td {
                            @if let Some(actor) = &record.actor {
                                @if let Some(id) = actor.user_id { "staff user " (id) }
                                @if let Some(key) = &actor.key_name { "key " (key) }
                            }
                        }
                        td { (record.source.as_deref().unwrap_or("")) }
                        td { (record.detail.as_deref().unwrap_or("")) }
                    }
                }
            }
        } }
    };
    page::respond(StatusCode::OK, layout("Audit log", &page, body))
}

pub async fn outbox(signed_in: SignedIn, State(app): State<SharedState>) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let mails = match service::outbox(&app, &page.staff, 100).await {
        Ok(mails) => mails,
        Err(error) => return page::error(&error),
    };
    let body = html! {
        h1 { "Outbox" }
        p.hint { "Mail to your members, newest first. The words are not shown: a sign-in or password link in them would let whoever reads it act as the member." }
        // A table wider than the page scrolls in its box, which the keyboard can reach.
        div.table tabindex="0" role="region" aria-label="Outbox" { table.outbox {
            thead { tr { th scope="col" { "Queued" } th scope="col" { "To" } th scope="col" { "Subject" } th scope="col" { "State" } } }
            tbody {
                @for mail in &mails {
                    tr {
                        td { (crate::clock::rfc3339(mail.created_at)) }
                        td { (mail.mail.to) }
                        td { (mail.mail.subject) }
                        td {
                            @if mail.sent_at.is_some() { "Sent" }
                            @else if mail.given_up_at.is_some() { "Given up: " (mail.last_error.as_deref().unwrap_or("")) }
                            @else if mail.attempts > 0 { "Retrying (" (mail.attempts) " attempts): " (mail.last_error.as_deref().unwrap_or("")) }
                            @else { "Waiting" }
                        }
                    }
                }
            }
        } }
    };
    page::respond(StatusCode::OK, layout("Outbox", &page, body))
}
