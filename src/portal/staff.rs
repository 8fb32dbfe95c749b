//! `/staff`: the front desk's and admins' pages (docs/PORTAL.md, "Staff pages"): find
//! members, edit every part of a record (the staff-only properties too), suspend, invite
//! again, ask for a new password, reset two-step sign-in, export, erase with the address
//! typed again; the location's audit log and outbox. The same cookie, CSRF and service
//! functions as the member's pages and the staff API. A wide table scrolls in its box,
//! which the keyboard can reach (`tabindex`) to scroll it too.

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
use crate::i18n::{self, Language};
use crate::service::staff::{self as service, AuditFilter, MemberSearch};
use crate::service::{AppState, ServiceError};
use crate::tr;
use crate::web::{Client, SharedState};

/// A signed-in browser whose user is staff.
pub struct StaffPage {
    signed_in: SignedIn,
    staff: Staff,
}

async fn staff_page(app: &AppState, signed_in: SignedIn) -> Result<StaffPage, Response> {
    match service::of_session(app, &signed_in.session).await {
        Ok(staff) => Ok(StaffPage { signed_in, staff }),
        Err(error) => Err(page::error(signed_in.lang, &error)),
    }
}

impl StaffPage {
    fn lang(&self) -> Language {
        self.signed_in.lang
    }
}

fn layout(title: &str, page: &StaffPage, body: Markup) -> Markup {
    let lang = page.lang();
    let may_audit = !page.staff.locations_for(StaffAction::ReadAudit).is_empty();
    let body = html! {
        nav.staff aria-label=(tr!(lang, "staff-nav")) {
            a href="/staff" { (tr!(lang, "staff-members-title")) }
            @if may_audit {
                a href="/staff/audit" { (tr!(lang, "staff-audit-title")) }
                a href="/staff/outbox" { (tr!(lang, "staff-outbox-title")) }
            }
        }
        (body)
    };
    page::layout(lang, title, Some(&page.signed_in.csrf), body)
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
    let lang = page.lang();
    let (found, locations) = match tokio::try_join!(
        service::list(&app, &page.staff, search),
        service::locations(&app, &page.staff, StaffAction::Read)
    ) {
        Ok(both) => both,
        Err(error) => return page::error(lang, &error),
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
        h1 { (tr!(lang, "staff-members-title")) }
        form.search role="search" method="get" action="/staff" {
            div.field {
                label for="f-query" { (tr!(lang, "staff-search-label")) }
                input type="search" id="f-query" name="query" value=(typed) maxlength="200";
            }
            div.field {
                label for="f-status" { (tr!(lang, "staff-show")) }
                select id="f-status" name="status" {
                    @for (value, label) in [("", tr!(lang, "staff-show-everyone")), ("members", tr!(lang, "staff-show-members")), ("contacts", tr!(lang, "staff-show-contacts")), ("suspended", tr!(lang, "staff-show-suspended"))] {
                        option value=(value) selected[status == value] { (label) }
                    }
                }
            }
            @if locations.len() > 1 {
                div.field {
                    label for="f-location" { (tr!(lang, "staff-location")) }
                    select id="f-location" name="location" {
                        option value="" { (tr!(lang, "staff-all-locations")) }
                        @for location in &locations {
                            option value=(location.id) selected[query.location == Some(location.id)] { (location.name) }
                        }
                    }
                }
            }
            button type="submit" { (tr!(lang, "staff-find")) }
        }
        p role="status" { (tr!(lang, "members-count", count = found.total)) }
        // A table wider than the page scrolls in its box, which the keyboard can reach.
        div.table tabindex="0" role="region" aria-label=(tr!(lang, "staff-members-title")) { table.members {
            thead { tr {
                th scope="col" { (tr!(lang, "staff-column-name")) }
                th scope="col" { (tr!(lang, "staff-column-email")) }
                th scope="col" { (tr!(lang, "staff-column-company")) }
                th scope="col" { (tr!(lang, "staff-location")) }
                th scope="col" { (tr!(lang, "staff-column-status")) }
            } }
            tbody {
                @for profile in &found.profiles {
                    tr {
                        td { a href=(format!("/staff/members/{}", profile.id)) { (name_of(lang, profile)) } }
                        td { (profile.email) }
                        td { (profile.values.text(crate::domain::catalogue::Field::CompanyName).unwrap_or("")) }
                        td { (profile.location_name) }
                        td { (status_of(lang, profile)) }
                    }
                }
            }
        } }
        nav.pages aria-label=(tr!(lang, "pages")) {
            @if found.page > 1 { a rel="prev" href=(link(found.page - 1)) { (tr!(lang, "pages-previous")) } }
            @if found.page * found.size < found.total { a rel="next" href=(link(found.page + 1)) { (tr!(lang, "pages-next")) } }
        }
    };
    page::respond(StatusCode::OK, layout(&tr!(lang, "staff-members-title"), &page, body))
}

fn name_of(lang: Language, profile: &Profile) -> String {
    match profile.values.text(crate::domain::catalogue::Field::FullName) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => tr!(lang, "staff-no-name"),
    }
}

fn status_of(lang: Language, profile: &Profile) -> String {
    if !profile.active {
        tr!(lang, "staff-status-suspended")
    } else if profile.values.flag(crate::domain::catalogue::Field::IsMember) {
        tr!(lang, "staff-status-member")
    } else {
        tr!(lang, "staff-status-contact")
    }
}

const SECTIONS: [Section; 5] =
    [Section::Personal, Section::Professional, Section::Billing, Section::Notifications, Section::Access];

fn section_title(lang: Language, section: Section) -> String {
    match section {
        Section::Personal => tr!(lang, "profile-personal-title"),
        Section::Professional => tr!(lang, "profile-professional-title"),
        Section::Billing => tr!(lang, "profile-billing-title"),
        Section::Notifications => tr!(lang, "profile-notifications-title"),
        Section::Access => tr!(lang, "staff-access-title"),
        Section::Custom => tr!(lang, "profile-more-title"),
    }
}

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
    let lang = page.lang();
    let profile = match service::get(app, &page.staff, id).await {
        Ok(profile) => profile,
        Err(error) => return page::error(lang, &error),
    };
    let custom = match crate::service::custom_fields::of_location(app, profile.location_id).await {
        Ok(custom) => custom,
        Err(error) => return page::error(lang, &error),
    };
    let role = page.staff.role_at(profile.location_id);
    let may = |action: StaffAction| page.staff.may(action, profile.location_id);
    let name = name_of(lang, &profile);
    let (typed, errors): (Option<&Posted>, HashMap<&str, &FieldError>) = match &outcome.failed {
        Some((posted, errors)) => (Some(posted), errors.iter().map(|e| (e.property.as_str(), e)).collect()),
        None => (None, HashMap::new()),
    };
    let csrf = &page.signed_in.csrf;
    let action = |path: &str| format!("/staff/members/{}/{path}", profile.id);
    let body = html! {
        p { a href="/staff" { (tr!(lang, "staff-all-members")) } }
        h1 { (name) }
        p.location { (profile.email) " · " (profile.location_name) " · " strong { (status_of(lang, &profile)) } }
        @if let Some(message) = &outcome.message { p.saved role="status" { (message) } }
        @if let Some((_, all)) = &outcome.failed {
            div.summary role="alert" {
                p { (tr!(lang, "staff-not-saved")) }
                ul { @for error in all { li { a href=(format!("#f-{}", error.property)) { (error_label(lang, &error.property, &custom)) ": " (super::lang::field_error(lang, error)) } } } }
            }
        }
        section.card aria-labelledby="h-actions" {
            h2 id="h-actions" { (tr!(lang, "staff-actions")) }
            div.actions {
                @if profile.active {
                    (button(csrf, &action("suspend"), &tr!(lang, "staff-suspend"), &tr!(lang, "staff-suspend-hint")))
                } @else {
                    (button(csrf, &action("reactivate"), &tr!(lang, "staff-reactivate"), &tr!(lang, "staff-reactivate")))
                }
                (button(csrf, &action("invitation"), &tr!(lang, "staff-invite"), &tr!(lang, "staff-invite-hint")))
                (button(csrf, &action("require-new-password"), &tr!(lang, "staff-require-password"), &tr!(lang, "staff-require-password-hint")))
                @if may(StaffAction::ResetTwoFactor) {
                    (button(csrf, &action("reset-two-factor"), &tr!(lang, "staff-reset-two-step"), &tr!(lang, "staff-reset-two-step-hint")))
                }
                @if may(StaffAction::Export) {
                    a.button href=(action("export")) download=(format!("member-{}.json", profile.id)) { (tr!(lang, "staff-export")) }
                }
            }
        }
        form method="post" action=(format!("/staff/members/{}", profile.id)) novalidate {
            (page::csrf_input(csrf))
            @for section in SECTIONS {
                @if section != Section::Access || may(StaffAction::Edit) {
                    @let title = section_title(lang, section);
                    @let heading = format!("h-{section:?}").to_lowercase();
                    section.card aria-labelledby=(heading) {
                        h2 id=(heading) { (title) }
                        @for field in form::fields(section) {
                            @let value = typed.and_then(|t| t.get(field.property()).cloned()).unwrap_or_else(|| form::shown(profile.values.get(field)));
                            (form::input(lang, field, &value, errors.get(field.property()).copied()))
                        }
                    }
                }
            }
            @if !custom.is_empty() {
                section.card aria-labelledby="h-custom" {
                    h2 id="h-custom" { (tr!(lang, "staff-custom-title", location = profile.location_name.as_str())) }
                    @for definition in &custom {
                        @let property = definition.property();
                        @let value = typed.and_then(|t| t.get(property).cloned()).unwrap_or_else(|| profile.values.text(definition.field()).unwrap_or_default().to_string());
                        (form::custom_input(lang, definition, &value, errors.get(property).copied()))
                    }
                }
            }
            button type="submit" { (tr!(lang, "staff-save")) }
        }
        @if may(StaffAction::Erase) {
            section.card.danger aria-labelledby="h-erase" {
                h2 id="h-erase" { (tr!(lang, "staff-erase-title")) }
                p { (tr!(lang, "staff-erase-text")) }
                form method="post" action=(action("erase")) {
                    (page::csrf_input(csrf))
                    div.field {
                        label for="f-confirm" { (tr!(lang, "staff-erase-confirm")) }
                        input type="text" id="f-confirm" name="confirm" autocomplete="off" required;
                    }
                    button.danger type="submit" { (tr!(lang, "staff-erase-button", name = name.as_str())) }
                }
            }
        }
        @if role.is_none() { p { (tr!(lang, "staff-not-here")) } }
    };
    page::respond(status, layout(&name, page, body))
}

/// What an error's summary calls a property: its label on the page.
fn error_label(lang: Language, property: &str, custom: &[CustomField]) -> String {
    if let Some(definition) = custom.iter().find(|d| d.property() == property) {
        return definition.label.clone();
    }
    crate::domain::catalogue::Field::from_property(property)
        .map_or_else(|| property.to_string(), |field| form::label(lang, field))
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
    for section in SECTIONS {
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
    let lang = page.lang();
    let profile = match service::get(&app, &page.staff, id).await {
        Ok(profile) => profile,
        Err(error) => return page::error(lang, &error),
    };
    let custom = match crate::service::custom_fields::of_location(&app, profile.location_id).await {
        Ok(custom) => custom,
        Err(error) => return page::error(lang, &error),
    };
    let body = changes(&profile, &custom, &posted);
    if body.is_empty() {
        let outcome = Outcome { message: Some(tr!(lang, "staff-nothing-changed")), ..Outcome::default() };
        return render_member(&app, &page, id, StatusCode::OK, outcome).await;
    }
    match service::update(&app, &page.staff, id, &body, Some(profile.version), &client).await {
        Ok(_) => {
            let outcome = Outcome { message: Some(tr!(lang, "saved")), ..Outcome::default() };
            render_member(&app, &page, id, StatusCode::OK, outcome).await
        }
        Err(ServiceError::Validation(errors)) => {
            let outcome = Outcome { failed: Some((posted, errors.into_vec())), ..Outcome::default() };
            render_member(&app, &page, id, StatusCode::BAD_REQUEST, outcome).await
        }
        Err(error) => page::error(lang, &error),
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
    let (staff, lang) = (&page.staff, page.lang());
    let done = match action.as_str() {
        "suspend" => {
            service::set_active(&app, staff, id, false, &client).await.map(|_| tr!(lang, "staff-suspended"))
        }
        "reactivate" => {
            service::set_active(&app, staff, id, true, &client).await.map(|_| tr!(lang, "staff-reactivated"))
        }
        "invitation" => {
            service::resend_invitation(&app, staff, id, &client).await.map(|_| tr!(lang, "staff-invited"))
        }
        "require-new-password" => service::require_new_password(&app, staff, id, &client)
            .await
            .map(|_| tr!(lang, "staff-password-required")),
        "reset-two-factor" => service::reset_two_factor(&app, staff, id, &client)
            .await
            .map(|_| tr!(lang, "staff-two-step-reset")),
        "erase" => return erase(&app, &page, id, &posted, &client).await,
        _ => return page::failed(lang, StatusCode::NOT_FOUND, &tr!(lang, "staff-no-such-action")),
    };
    match done {
        Ok(message) => {
            let outcome = Outcome { message: Some(message), ..Outcome::default() };
            render_member(&app, &page, id, StatusCode::OK, outcome).await
        }
        Err(error) => page::error(lang, &error),
    }
}

async fn erase(
    app: &AppState,
    page: &StaffPage,
    id: i64,
    posted: &Posted,
    client: &crate::service::session::ClientInfo,
) -> Response {
    let lang = page.lang();
    let profile = match service::get(app, &page.staff, id).await {
        Ok(profile) => profile,
        Err(error) => return page::error(lang, &error),
    };
    let typed = posted.get("confirm").map(|t| t.trim().to_lowercase()).unwrap_or_default();
    if typed != profile.email.to_lowercase() {
        let outcome = Outcome { message: Some(tr!(lang, "staff-erase-mismatch")), ..Outcome::default() };
        return render_member(app, page, id, StatusCode::BAD_REQUEST, outcome).await;
    }
    match service::erase(app, &page.staff, id, client).await {
        Ok(()) => Redirect::to("/staff?erased=1").into_response(),
        Err(error) => page::error(lang, &error),
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
        Err(error) => page::error(page.lang(), &error),
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
    let lang = page.lang();
    let (records, locations) = match tokio::try_join!(
        service::audit(&app, &page.staff, filter),
        service::locations(&app, &page.staff, StaffAction::ReadAudit)
    ) {
        Ok(both) => both,
        Err(error) => return page::error(lang, &error),
    };
    let value = |text: &Option<String>| text.clone().unwrap_or_default();
    let body = html! {
        h1 { (tr!(lang, "staff-audit-title")) }
        form.search method="get" action="/staff/audit" {
            @if locations.len() > 1 {
                div.field {
                    label for="f-location" { (tr!(lang, "staff-location")) }
                    select id="f-location" name="location" {
                        @for location in &locations {
                            option value=(location.id) selected[query.location == Some(location.id)] { (location.name) }
                        }
                    }
                }
            }
            div.field { label for="f-who" { (tr!(lang, "staff-audit-who")) } input type="email" id="f-who" name="who" value=(value(&query.who)); }
            div.field { label for="f-event" { (tr!(lang, "staff-audit-what")) } input type="text" id="f-event" name="event" value=(value(&query.event)); }
            div.field { label for="f-since" { (tr!(lang, "staff-audit-since")) } input type="date" id="f-since" name="since" value=(value(&query.since)); }
            div.field { label for="f-until" { (tr!(lang, "staff-audit-until")) } input type="date" id="f-until" name="until" value=(value(&query.until)); }
            button type="submit" { (tr!(lang, "staff-audit-filter")) }
        }
        p role="status" { (tr!(lang, "staff-audit-count", count = records.len())) }
        // A table wider than the page scrolls in its box, which the keyboard can reach.
        div.table tabindex="0" role="region" aria-label=(tr!(lang, "staff-audit-title")) { table.audit {
            thead { tr {
                th scope="col" { (tr!(lang, "staff-audit-when")) }
                th scope="col" { (tr!(lang, "staff-audit-event")) }
                th scope="col" { (tr!(lang, "staff-audit-member")) }
                th scope="col" { (tr!(lang, "staff-audit-by")) }
                th scope="col" { (tr!(lang, "staff-audit-source")) }
                th scope="col" { (tr!(lang, "staff-audit-detail")) }
            } }
            tbody {
                @for record in &records {
                    tr {
                        td { time datetime=(crate::clock::rfc3339(record.at)) { (i18n::date_time(lang, record.at)) } }
                        td { (record.event) }
                        td { @if let Some(id) = record.user_id { (tr!(lang, "staff-audit-user", id = id)) } }
                        td {
                            @if let Some(actor) = &record.actor {
                                @if let Some(id) = actor.user_id { (tr!(lang, "staff-audit-staff-user", id = id)) }
                                @if let Some(key) = &actor.key_name { (tr!(lang, "staff-audit-key", name = key.as_str())) }
                            }
                        }
                        td { (record.source.as_deref().unwrap_or("")) }
                        td { (record.detail.as_deref().unwrap_or("")) }
                    }
                }
            }
        } }
    };
    page::respond(StatusCode::OK, layout(&tr!(lang, "staff-audit-title"), &page, body))
}

pub async fn outbox(signed_in: SignedIn, State(app): State<SharedState>) -> Response {
    let page = match staff_page(&app, signed_in).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let lang = page.lang();
    let mails = match service::outbox(&app, &page.staff, 100).await {
        Ok(mails) => mails,
        Err(error) => return page::error(lang, &error),
    };
    let body = html! {
        h1 { (tr!(lang, "staff-outbox-title")) }
        p.hint { (tr!(lang, "staff-outbox-hint")) }
        // A table wider than the page scrolls in its box, which the keyboard can reach.
        div.table tabindex="0" role="region" aria-label=(tr!(lang, "staff-outbox-title")) { table.outbox {
            thead { tr {
                th scope="col" { (tr!(lang, "staff-outbox-queued")) }
                th scope="col" { (tr!(lang, "staff-outbox-to")) }
                th scope="col" { (tr!(lang, "staff-outbox-subject")) }
                th scope="col" { (tr!(lang, "staff-outbox-state")) }
            } }
            tbody {
                @for mail in &mails {
                    @let error = mail.last_error.as_deref().unwrap_or("");
                    tr {
                        td { time datetime=(crate::clock::rfc3339(mail.created_at)) { (i18n::date_time(lang, mail.created_at)) } }
                        td { (mail.mail.to) }
                        td { (mail.mail.subject) }
                        td {
                            @if mail.sent_at.is_some() { (tr!(lang, "staff-outbox-sent")) }
                            @else if mail.given_up_at.is_some() { (tr!(lang, "staff-outbox-given-up", error = error)) }
                            @else if mail.attempts > 0 { (tr!(lang, "staff-outbox-retrying", count = mail.attempts, error = error)) }
                            @else { (tr!(lang, "staff-outbox-waiting")) }
                        }
                    }
                }
            }
        } }
    };
    page::respond(StatusCode::OK, layout(&tr!(lang, "staff-outbox-title"), &page, body))
}
