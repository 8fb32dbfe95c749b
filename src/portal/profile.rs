//! `/profile`: the five sections of the member's profile, each a form saved with one PATCH
//! of the properties that changed, through the same service function as the API.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde_json::{Map, Value};

use super::browser::{GenuineForm, SignedIn};
use super::form::{self, Posted};
use super::page;
use crate::domain::FieldError;
use crate::domain::catalogue::{Credential, Field, Section};
use crate::domain::custom::CustomField;
use crate::service::account::EmailChange;
use crate::service::profile::{self as service, Change, ProfileList};
use crate::service::{AppState, ServiceError};
use crate::web::Client;
use crate::web::{SharedState, etag};
use secrecy::SecretString;

/// A section of the page: the four of the catalogue, the location's custom fields (when it
/// has some), and the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Fields(Section),
    Credentials,
}

const PARTS: [Part; 6] = [
    Part::Fields(Section::Personal),
    Part::Fields(Section::Professional),
    Part::Fields(Section::Billing),
    Part::Fields(Section::Notifications),
    Part::Fields(Section::Custom),
    Part::Credentials,
];

impl Part {
    fn slug(self) -> &'static str {
        match self {
            Part::Fields(Section::Personal) => "personal",
            Part::Fields(Section::Professional) => "professional",
            Part::Fields(Section::Billing) => "billing",
            Part::Fields(Section::Notifications) => "notifications",
            // Staff-set: shown read-only in the credentials part, never a form of its own.
            Part::Fields(Section::Access) => "access",
            Part::Fields(Section::Custom) => "more",
            Part::Credentials => "credentials",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Part::Fields(Section::Personal) => "Personal information",
            Part::Fields(Section::Professional) => "Professional profile",
            Part::Fields(Section::Billing) => "Billing information",
            Part::Fields(Section::Notifications) => "Notifications",
            Part::Fields(Section::Access) => "Access",
            Part::Fields(Section::Custom) => "More about you",
            Part::Credentials => "Credentials",
        }
    }

    fn from_slug(slug: &str) -> Option<Part> {
        PARTS.into_iter().find(|part| part.slug() == slug)
    }
}

/// What the page shows besides the stored profile: a section just saved, or a section whose
/// save failed with what the member typed and what was wrong.
#[derive(Default)]
struct Outcome {
    saved: Option<Part>,
    message: Option<String>,
    failed: Option<(Part, Posted, Vec<FieldError>)>,
    conflict: bool,
    /// The Professional section as typed, after asking for an AI draft.
    draft: Option<(Posted, DraftResult)>,
    email: Option<EmailOutcome>,
    photos: PhotoOutcome,
}

/// What the photos section shows after an upload or a removal.
#[derive(Default)]
struct PhotoOutcome {
    saved: bool,
    /// The refusal's error code.
    refused: Option<String>,
}

/// What the sign-in email form shows after a post.
enum EmailOutcome {
    /// The links are on their way.
    Requested,
    /// Nothing was sent: the new address as typed (never the password) and what was wrong.
    Failed { typed: String, errors: Vec<FieldError> },
}

enum DraftResult {
    /// The draft is in the typed summary; these are the properties it was written from.
    Written(Vec<Field>),
    /// No draft: why, for the member.
    Failed(String),
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    saved: Option<String>,
    password_changed: Option<String>,
    email_requested: Option<String>,
    photo_saved: Option<String>,
    photo_refused: Option<String>,
}

pub async fn show(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let saved = query.saved.as_deref().and_then(Part::from_slug);
    let message = query
        .password_changed
        .map(|_| "Your password was changed. Your other devices were signed out.".to_string());
    let email = query.email_requested.map(|_| EmailOutcome::Requested);
    let photos = PhotoOutcome { saved: query.photo_saved.is_some(), refused: query.photo_refused };
    let outcome = Outcome { saved, message, email, photos, ..Outcome::default() };
    render(&app, &signed_in, StatusCode::OK, outcome).await
}

pub async fn save(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Client(client): Client,
    Path(slug): Path<String>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let Some(part) = Part::from_slug(&slug) else {
        return page::failed(StatusCode::NOT_FOUND, "There is no such section.");
    };
    let body = match part {
        Part::Fields(section) => form::changes(section, &signed_in.profile, &posted),
        Part::Credentials => credentials(&posted),
    };
    // A missing or garbled version is a stale form, never a form without a check.
    let tags: Vec<String> = posted.get("_version").cloned().into_iter().collect();
    let Ok(expected) = etag::expected_version(Some(&tags), signed_in.profile.id) else {
        let outcome =
            Outcome { failed: Some((part, posted, Vec::new())), conflict: true, ..Outcome::default() };
        return render(&app, &signed_in, StatusCode::PRECONDITION_FAILED, outcome).await;
    };
    let change =
        Change { session: &signed_in.session, body: &body, expected, representation: false, dry_run: false };
    match service::update(&app, change, &client).await {
        Ok(_) if part == Part::Credentials => {
            Redirect::to("/profile?password_changed=1#credentials").into_response()
        }
        Ok(_) => Redirect::to(&format!("/profile?saved={}#{}", part.slug(), part.slug())).into_response(),
        Err(ServiceError::Validation(errors)) => {
            let outcome = Outcome { failed: Some((part, posted, errors.into_vec())), ..Outcome::default() };
            render(&app, &signed_in, StatusCode::BAD_REQUEST, outcome).await
        }
        Err(ServiceError::PreconditionFailed) => {
            let outcome =
                Outcome { failed: Some((part, posted, Vec::new())), conflict: true, ..Outcome::default() };
            render(&app, &signed_in, StatusCode::PRECONDITION_FAILED, outcome).await
        }
        Err(error) => page::error(&error),
    }
}

/// Starts a change of the sign-in address, as `POST /en/profile/email-change` does: a
/// confirmation link goes to the new address and an undo link to the current one; the
/// address in use changes only when the confirmation link is followed.
pub async fn change_email(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let typed = posted.get("NewEmail").cloned().unwrap_or_default();
    let password = SecretString::from(posted.get("Password").cloned().unwrap_or_default());
    let change = EmailChange { new_email: &typed, password: &password };
    match crate::service::account::request_email_change(&app, &signed_in.session, change, &client).await {
        Ok(()) => Redirect::to("/profile?email_requested=1#email").into_response(),
        Err(ServiceError::Validation(errors)) => {
            let email = Some(EmailOutcome::Failed { typed, errors: errors.into_vec() });
            render(&app, &signed_in, StatusCode::BAD_REQUEST, Outcome { email, ..Outcome::default() }).await
        }
        Err(error) => page::error(&error),
    }
}

/// Drafts a summary with the location's AI writer and shows it in the Professional section
/// for review; nothing is saved until the member saves the section.
pub async fn draft(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let part = Part::Fields(Section::Professional);
    let failure = match crate::service::ai::draft_summary(&app, &signed_in.profile).await {
        Ok(drafted) => {
            let mut typed = posted;
            let text = drafted.profile.values.text(Field::ProfileSummary).unwrap_or_default();
            typed.insert(Field::ProfileSummary.property().to_string(), text.to_string());
            let outcome = Outcome {
                draft: Some((typed, DraftResult::Written(drafted.fields_used))),
                ..Outcome::default()
            };
            return render(&app, &signed_in, StatusCode::OK, outcome).await;
        }
        Err(ServiceError::Validation(errors)) => {
            let outcome = Outcome { failed: Some((part, posted, errors.into_vec())), ..Outcome::default() };
            return render(&app, &signed_in, StatusCode::BAD_REQUEST, outcome).await;
        }
        Err(error) => error,
    };
    failure.log_if_fault();
    // What the member typed stays on the page, with the reason beside it.
    let outcome =
        Outcome { draft: Some((posted, DraftResult::Failed(failure.message()))), ..Outcome::default() };
    page::with_wait(render(&app, &signed_in, page::status_of(&failure), outcome).await, &failure)
}

/// The bio as the directory will show it, for the editor's preview: an HTML fragment.
pub async fn preview(
    _signed_in: SignedIn,
    State(app): State<SharedState>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let markdown = posted.get("ProfileSummary").map(String::as_str).unwrap_or_default();
    match crate::service::directory::preview_bio(&app, markdown).await {
        Ok(html) => page::fragment(StatusCode::OK, html),
        Err(error) => page::fragment(
            StatusCode::BAD_REQUEST,
            maud::html! { p.error { (error.to_string()) } }.into_string(),
        ),
    }
}

/// The password fields go as typed, all three or none.
fn credentials(posted: &Posted) -> Map<String, Value> {
    let values: Vec<(&str, &str)> = Credential::all()
        .map(|c| (c.property(), posted.get(c.property()).map(String::as_str).unwrap_or_default()))
        .collect();
    if values.iter().all(|(_, value)| value.is_empty()) {
        return Map::new();
    }
    values.into_iter().map(|(name, value)| (name.to_string(), Value::from(value))).collect()
}

async fn render(app: &AppState, signed_in: &SignedIn, status: StatusCode, outcome: Outcome) -> Response {
    let list = match service::list(app, &signed_in.session).await {
        Ok(list) => list,
        Err(error) => return page::error(&error),
    };
    let drafts = crate::service::ai::available(app, &list.current_location);
    let custom = match crate::service::custom_fields::of_location(app, list.current_location.id).await {
        Ok(custom) => custom,
        Err(error) => return page::error(&error),
    };
    let body = html! {
        h1 { "My profile" }
        (switcher(&list, signed_in))
        @if outcome.conflict {
            div.summary role="alert" {
                p { "Your profile was changed elsewhere since this page was loaded, so nothing was saved. "
                    "What you typed is still below. " a href="/profile" { "Reload the page" } " to see the current values." }
            }
        }
        @for part in PARTS {
            @if part != Part::Fields(Section::Custom) || !custom.is_empty() {
                (section(part, signed_in, &list, &outcome, drafts, &custom))
            }
        }
        (super::photo::section(signed_in, outcome.photos.saved, outcome.photos.refused.as_deref()))
        (email_section(signed_in, outcome.email.as_ref()))
    };
    page::respond(status, page::layout("My profile", Some(&signed_in.csrf), body))
}

fn switcher(list: &ProfileList, signed_in: &SignedIn) -> Markup {
    html! {
        @if list.profiles.len() > 1 {
            p.location { "Profile at " strong { (list.current_location.name) } }
            form.inline method="post" action="/profile/switch" {
                (page::csrf_input(&signed_in.csrf))
                label for="f-ProfileId" { "Switch to" }
                select id="f-ProfileId" name="ProfileId" {
                    @for profile in &list.profiles {
                        option value=(profile.id) selected[profile.id == signed_in.profile.id] { (profile.location_name) }
                    }
                }
                button type="submit" { "Switch" }
            }
        } @else {
            p.location { "Profile at " strong { (list.current_location.name) } }
        }
    }
}

fn section(
    part: Part,
    signed_in: &SignedIn,
    list: &ProfileList,
    outcome: &Outcome,
    drafts: bool,
    custom: &[CustomField],
) -> Markup {
    let failed = outcome.failed.as_ref().filter(|(failed, _, _)| *failed == part);
    let errors: HashMap<&str, &FieldError> = failed
        .map(|(_, _, errors)| errors.iter().map(|e| (e.property.as_str(), e)).collect())
        .unwrap_or_default();
    let professional = part == Part::Fields(Section::Professional);
    let draft = outcome.draft.as_ref().filter(|_| professional);
    let typed = failed.map(|(_, posted, _)| posted).or(draft.map(|(posted, _)| posted));
    let profile = &signed_in.profile;
    html! {
        section.card id=(part.slug()) aria-labelledby=(format!("h-{}", part.slug())) {
            h2 id=(format!("h-{}", part.slug())) { (part.title()) }
            @if outcome.saved == Some(part) { p.saved role="status" { "Saved." } }
            @if part == Part::Credentials && let Some(message) = &outcome.message { p.saved role="status" { (message) } }
            @match draft.map(|(_, result)| result) {
                Some(DraftResult::Written(fields_used)) => {
                    p.saved role="status" tabindex="-1" data-focus="true" {
                        "A draft is in " (form::label(Field::ProfileSummary)) " below, written from: "
                        (fields_used.iter().map(|f| form::label(*f)).collect::<Vec<_>>().join(", "))
                        ". Nothing is saved yet: review and edit it, then save."
                    }
                }
                Some(DraftResult::Failed(reason)) => {
                    div.summary role="alert" tabindex="-1" data-focus="true" {
                        p { "No draft: " (reason) " Nothing was changed." }
                    }
                }
                None => {}
            }
            @if let Some((_, _, all)) = failed { (error_summary("Nothing was saved", all, custom)) }
            form method="post" action=(format!("/profile/{}", part.slug())) novalidate {
                (page::csrf_input(&signed_in.csrf))
                input type="hidden" name="_version" value=(etag::of(profile.id, profile.version));
                @match part {
                    Part::Fields(Section::Custom) => {
                        p.hint { "Questions from " (list.current_location.name) "." }
                        @for definition in custom {
                            @let property = definition.property();
                            @let stored = profile.values.text(definition.field());
                            @if definition.member_editable {
                                @let value = typed.and_then(|t| t.get(property).cloned()).unwrap_or_else(|| stored.unwrap_or_default().to_string());
                                (form::custom_input(definition, &value, errors.get(property).copied()))
                            } @else {
                                p.field id=(format!("f-{property}")) {
                                    (definition.label) ": " strong { (form::custom_answer(definition, stored)) }
                                    " " span.hint { "(set by " (list.current_location.name) ")" }
                                }
                            }
                        }
                    }
                    Part::Fields(section) => {
                        @for field in form::fields(section) {
                            @let value = typed.and_then(|t| t.get(field.property()).cloned()).unwrap_or_else(|| form::shown(profile.values.get(field)));
                            (form::input(field, &value, errors.get(field.property()).copied()))
                        }
                    }
                    Part::Credentials => {
                        @if let Some(pin) = profile.values.text(Field::AccessPincode) {
                            p #access-pin { "Your access PIN, set by " (list.current_location.name) ": " strong { (pin) } }
                        }
                        p #two-step {
                            "Two-step sign-in (a code from an authenticator app after your password): "
                            a href="/profile/two-factor" { "set it up or manage it" } "."
                        }
                        p.hint { "Rules at " (list.current_location.name) ": " (list.current_location.policy) "." }
                        @for (credential, label, autocomplete) in [
                            (Credential::Current, "Current password", "current-password"),
                            (Credential::New, "New password", "new-password"),
                            (Credential::Repeat, "Repeat the new password", "new-password"),
                        ] {
                            @let name = credential.property();
                            @let input = PlainInput { name, label, kind: "password", autocomplete, value: "" };
                            (input.render(errors.get(name).copied(), credential == Credential::New))
                        }
                    }
                }
                button type="submit" { "Save " (part.title().to_lowercase()) }
                @if professional && drafts {
                    " "
                    button.secondary type="submit" formaction="/profile/draft" {
                        "Draft with AI"
                    }
                    p.hint { "Writes a draft summary from your saved professional profile and social links (save your changes first). Nothing is saved until you save." }
                }
            }
        }
    }
}

/// The sign-in address and the form that starts changing it.
fn email_section(signed_in: &SignedIn, outcome: Option<&EmailOutcome>) -> Markup {
    let (typed, all) = match outcome {
        Some(EmailOutcome::Failed { typed, errors }) => (typed.as_str(), errors.as_slice()),
        _ => ("", &[][..]),
    };
    let errors: HashMap<&str, &FieldError> = all.iter().map(|e| (e.property.as_str(), e)).collect();
    let new_email = PlainInput {
        name: "NewEmail",
        label: "New email",
        kind: "email",
        autocomplete: "email",
        value: typed,
    };
    let password = PlainInput {
        name: "Password",
        label: "Current password",
        kind: "password",
        autocomplete: "current-password",
        value: "",
    };
    html! {
        section.card id="email" aria-labelledby="h-email" {
            h2 id="h-email" { "Sign-in email" }
            @if matches!(outcome, Some(EmailOutcome::Requested)) {
                p.saved role="status" {
                    "A link to confirm the new address is on its way to it. You sign in with your current address until the link is followed."
                }
            }
            (error_summary("No link was sent", all, &[]))
            p.hint { "You sign in with " strong { (signed_in.profile.email) } ". The new address is used once you follow the link sent to it; your current address gets a link that undoes the change." }
            form method="post" action="/profile/email" novalidate {
                (page::csrf_input(&signed_in.csrf))
                (new_email.render(errors.get("NewEmail").copied(), false))
                (password.render(errors.get("Password").copied(), false))
                button type="submit" { "Send the confirmation link" }
            }
        }
    }
}

/// A labelled input that is not a catalogue property (passwords, the new sign-in address),
/// with its error beside it.
struct PlainInput<'a> {
    name: &'a str,
    label: &'a str,
    kind: &'a str,
    autocomplete: &'a str,
    value: &'a str,
}

impl PlainInput<'_> {
    fn render(&self, error: Option<&FieldError>, strength_meter: bool) -> Markup {
        let name = self.name;
        html! {
            div.field.has-error[error.is_some()] {
                label for=(format!("f-{name}")) { (self.label) }
                @if let Some(error) = error { p.error id=(format!("f-{name}-error")) { (error.message) } }
                input type=(self.kind) id=(format!("f-{name}")) name=(name) autocomplete=(self.autocomplete)
                    value=[(!self.value.is_empty()).then_some(self.value)]
                    aria-describedby=[error.map(|_| format!("f-{name}-error"))]
                    data-strength=[strength_meter.then_some("true")];
            }
        }
    }
}

/// The errors of a refused form, each linking to its field; nothing when there are none.
fn error_summary(outcome: &str, errors: &[FieldError], custom: &[CustomField]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.summary role="alert" tabindex="-1" data-focus="true" {
                h3 { (outcome) ": please correct " (if errors.len() == 1 { "this" } else { "these" }) }
                ul { @for error in errors {
                    li { a href=(format!("#f-{}", error.property)) { (error_label(&error.property, custom)) ": " (error.message) } }
                } }
            }
        }
    }
}

/// What the summary calls a property: its label on the page.
fn error_label(property: &str, custom: &[CustomField]) -> String {
    if let Some(definition) = custom.iter().find(|d| d.property() == property) {
        return definition.label.clone();
    }
    match Field::from_property(property) {
        Some(field) => form::label(field),
        None => match Credential::from_property(property) {
            Some(Credential::Current) => "Current password".into(),
            Some(Credential::New) => "New password".into(),
            Some(Credential::Repeat) => "Repeat the new password".into(),
            None if property == "NewEmail" => "New email".into(),
            None if property == "Password" => "Current password".into(),
            None => property.to_string(),
        },
    }
}

pub async fn switch(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let Some(profile_id) = posted.get("ProfileId").and_then(|id| id.trim().parse::<i64>().ok()) else {
        return page::failed(StatusCode::BAD_REQUEST, "Choose one of your profiles.");
    };
    match service::switch(&app, &signed_in.session, profile_id).await {
        Ok(()) => Redirect::to("/profile").into_response(),
        Err(ServiceError::NotFound(_)) => page::failed(StatusCode::NOT_FOUND, "That profile is not yours."),
        Err(error) => page::error(&error),
    }
}
