//! `/profile`: the sections of the member's profile, each a form saved with one PATCH of
//! the properties that changed, through the same service function as the API. A list of
//! the sections leads to each (sticky beside them on a wide screen); on a phone each
//! section folds (`<details>`, no script needed).

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
use crate::i18n::Language;
use crate::service::account::EmailChange;
use crate::service::profile::{self as service, Change, ProfileList};
use crate::service::{AppState, ServiceError};
use crate::tr;
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

    fn title(self, lang: Language) -> String {
        match self {
            Part::Fields(Section::Personal) => tr!(lang, "profile-personal-title"),
            Part::Fields(Section::Professional) => tr!(lang, "profile-professional-title"),
            Part::Fields(Section::Billing) => tr!(lang, "profile-billing-title"),
            Part::Fields(Section::Notifications) => tr!(lang, "profile-notifications-title"),
            Part::Fields(Section::Access) => tr!(lang, "profile-access-title"),
            Part::Fields(Section::Custom) => tr!(lang, "profile-more-title"),
            Part::Credentials => tr!(lang, "profile-password-title"),
        }
    }

    /// The words of the section's save button: plain ("Change password").
    fn save_label(self, lang: Language) -> String {
        match self {
            Part::Fields(Section::Personal) => tr!(lang, "profile-personal-save"),
            Part::Fields(Section::Professional) => tr!(lang, "profile-professional-save"),
            Part::Fields(Section::Billing) => tr!(lang, "profile-billing-save"),
            Part::Fields(Section::Notifications) => tr!(lang, "profile-notifications-save"),
            Part::Fields(Section::Access) | Part::Fields(Section::Custom) => tr!(lang, "profile-more-save"),
            Part::Credentials => tr!(lang, "profile-password-save"),
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
    language_saved: bool,
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
    language_saved: Option<String>,
}

pub async fn show(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let saved = query.saved.as_deref().and_then(Part::from_slug);
    let message = query.password_changed.map(|_| tr!(signed_in.lang, "profile-password-changed"));
    let email = query.email_requested.map(|_| EmailOutcome::Requested);
    let photos = PhotoOutcome { saved: query.photo_saved.is_some(), refused: query.photo_refused };
    let language_saved = query.language_saved.is_some();
    let outcome = Outcome { saved, message, email, photos, language_saved, ..Outcome::default() };
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
        return page::failed(
            signed_in.lang,
            StatusCode::NOT_FOUND,
            &tr!(signed_in.lang, "profile-no-such-section"),
        );
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
        Err(error) => page::error(signed_in.lang, &error),
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
        Err(error) => page::error(signed_in.lang, &error),
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
    let outcome = Outcome {
        draft: Some((posted, DraftResult::Failed(super::lang::error_text(signed_in.lang, &failure)))),
        ..Outcome::default()
    };
    page::with_wait(render(&app, &signed_in, page::status_of(&failure), outcome).await, &failure)
}

/// The bio as the directory will show it, for the editor's preview: an HTML fragment.
pub async fn preview(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let markdown = posted.get("ProfileSummary").map(String::as_str).unwrap_or_default();
    match crate::service::directory::preview_bio(&app, markdown).await {
        Ok(html) => page::fragment(StatusCode::OK, html),
        Err(error) => page::fragment(
            StatusCode::BAD_REQUEST,
            maud::html! { p.error { (tr!(signed_in.lang, "profile-preview-failed", detail = error.to_string())) } }.into_string(),
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
    let lang = signed_in.lang;
    let list = match service::list(app, &signed_in.session).await {
        Ok(list) => list,
        Err(error) => return page::error(lang, &error),
    };
    let drafts = crate::service::ai::available(app, &list.current_location);
    let custom = match crate::service::custom_fields::of_location(app, list.current_location.id).await {
        Ok(custom) => custom,
        Err(error) => return page::error(lang, &error),
    };
    let parts: Vec<Part> = PARTS
        .into_iter()
        .filter(|part| *part != Part::Fields(Section::Custom) || !custom.is_empty())
        .collect();
    // The sections in page order, for the list that leads to them.
    let mut contents: Vec<(&str, String)> =
        parts.iter().map(|part| (part.slug(), part.title(lang))).collect();
    contents.push(("photos", tr!(lang, "photos-title")));
    contents.push(("email", tr!(lang, "email-title")));
    contents.push(("language", tr!(lang, "language-title")));
    let body = html! {
        h1 { (tr!(lang, "profile-heading")) }
        (switcher(&list, signed_in))
        @if outcome.conflict {
            div.summary role="alert" {
                p { (tr!(lang, "profile-conflict")) " " a href="/profile" { (tr!(lang, "profile-conflict-reload")) } }
            }
        }
        div.profile-layout {
            nav.contents aria-labelledby="h-contents" {
                h2 #h-contents { (tr!(lang, "profile-contents")) }
                ol { @for (slug, title) in &contents { li { a href=(format!("#{slug}")) { (title) } } } }
            }
            div.sections {
                @for part in &parts {
                    (section(*part, signed_in, &list, &outcome, drafts, &custom))
                }
                (super::photo::section(signed_in, outcome.photos.saved, outcome.photos.refused.as_deref()))
                (email_section(signed_in, outcome.email.as_ref()))
                (language_section(signed_in, list.user.language, outcome.language_saved))
            }
        }
    };
    page::respond(status, page::layout(lang, &tr!(lang, "profile-title"), Some(&signed_in.csrf), body))
}

/// A section of the profile page: a card whose heading folds it on a phone. Every section
/// starts open (the page works without the script; the script folds them on a phone).
pub fn folding(id: &str, title: &str, content: Markup) -> Markup {
    html! {
        section.card id=(id) aria-labelledby=(format!("h-{id}")) {
            details open {
                summary { h2 id=(format!("h-{id}")) { (title) } }
                (content)
            }
        }
    }
}

fn switcher(list: &ProfileList, signed_in: &SignedIn) -> Markup {
    let lang = signed_in.lang;
    html! {
        p.location { (tr!(lang, "profile-at")) " " strong { (list.current_location.name) } }
        @if list.profiles.len() > 1 {
            form.inline method="post" action="/profile/switch" {
                (page::csrf_input(&signed_in.csrf))
                label for="f-ProfileId" { (tr!(lang, "profile-switch-to")) }
                select id="f-ProfileId" name="ProfileId" {
                    @for profile in &list.profiles {
                        option value=(profile.id) selected[profile.id == signed_in.profile.id] { (profile.location_name) }
                    }
                }
                button type="submit" { (tr!(lang, "profile-switch")) }
            }
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
    let lang = signed_in.lang;
    let failed = outcome.failed.as_ref().filter(|(failed, _, _)| *failed == part);
    let errors: HashMap<&str, &FieldError> = failed
        .map(|(_, _, errors)| errors.iter().map(|e| (e.property.as_str(), e)).collect())
        .unwrap_or_default();
    let professional = part == Part::Fields(Section::Professional);
    let draft = outcome.draft.as_ref().filter(|_| professional);
    let typed = failed.map(|(_, posted, _)| posted).or(draft.map(|(posted, _)| posted));
    let profile = &signed_in.profile;
    let place = list.current_location.name.as_str();
    let content = html! {
        @if outcome.saved == Some(part) { p.saved role="status" { (tr!(lang, "saved")) } }
        @if part == Part::Credentials && let Some(message) = &outcome.message { p.saved role="status" { (message) } }
        @match draft.map(|(_, result)| result) {
            Some(DraftResult::Written(fields_used)) => {
                p.saved role="status" tabindex="-1" data-focus="true" {
                    (tr!(lang, "profile-draft-written",
                        field = form::label(lang, Field::ProfileSummary),
                        sources = fields_used.iter().map(|f| form::label(lang, *f)).collect::<Vec<_>>().join(", ")))
                }
            }
            Some(DraftResult::Failed(reason)) => {
                div.summary role="alert" tabindex="-1" data-focus="true" {
                    p { (tr!(lang, "profile-draft-failed", reason = reason.as_str())) }
                }
            }
            None => {}
        }
        @if let Some((_, _, all)) = failed { (error_summary(lang, &tr!(lang, "profile-not-saved"), all, custom)) }
        form method="post" action=(format!("/profile/{}", part.slug())) novalidate {
            (page::csrf_input(&signed_in.csrf))
            input type="hidden" name="_version" value=(etag::of(profile.id, profile.version));
            @match part {
                Part::Fields(Section::Custom) => {
                    p.hint { (tr!(lang, "profile-more-hint", location = place)) }
                    @for definition in custom {
                        @let property = definition.property();
                        @let stored = profile.values.text(definition.field());
                        @if definition.member_editable {
                            @let value = typed.and_then(|t| t.get(property).cloned()).unwrap_or_else(|| stored.unwrap_or_default().to_string());
                            (form::custom_input(lang, definition, &value, errors.get(property).copied()))
                        } @else {
                            p.field id=(format!("f-{property}")) {
                                (definition.label) ": " strong { (form::custom_answer(lang, definition, stored)) }
                                " " span.hint { (tr!(lang, "profile-set-by", location = place)) }
                            }
                        }
                    }
                }
                Part::Fields(section) => {
                    @for field in form::fields(section) {
                        @let value = typed.and_then(|t| t.get(field.property()).cloned()).unwrap_or_else(|| form::shown(profile.values.get(field)));
                        (form::input(lang, field, &value, errors.get(field.property()).copied()))
                    }
                }
                Part::Credentials => {
                    @if let Some(pin) = profile.values.text(Field::AccessPincode) {
                        p #access-pin { (tr!(lang, "profile-access-pin", location = place)) " " strong { (pin) } }
                    }
                    p #two-step {
                        (tr!(lang, "profile-two-step")) " "
                        a href="/profile/two-factor" { (tr!(lang, "profile-two-step-link")) }
                    }
                    p.hint { (tr!(lang, "profile-password-rules", location = place, rules = policy_words(lang, &list.current_location.policy))) }
                    @for (credential, label, autocomplete) in [
                        (Credential::Current, tr!(lang, "password-current"), "current-password"),
                        (Credential::New, tr!(lang, "password-new"), "new-password"),
                        (Credential::Repeat, tr!(lang, "password-repeat"), "new-password"),
                    ] {
                        @let name = credential.property();
                        @let input = PlainInput { name, label: &label, kind: "password", autocomplete, value: "" };
                        (input.render(lang, errors.get(name).copied(), credential == Credential::New))
                    }
                }
            }
            button type="submit" { (part.save_label(lang)) }
            @if professional && drafts {
                " "
                button.secondary type="submit" formaction="/profile/draft" {
                    (tr!(lang, "profile-draft-button"))
                }
                p.hint { (tr!(lang, "profile-draft-hint")) }
            }
        }
    };
    folding(part.slug(), &part.title(lang), content)
}

/// The location's password rules in words, as the member reads them.
fn policy_words(lang: Language, policy: &crate::domain::password::PasswordPolicy) -> String {
    let mut rules = vec![tr!(lang, "password-rule-length", min = policy.min_length, max = policy.max_length)];
    if policy.min_score > 0 {
        rules.push(tr!(
            lang,
            "password-rule-strength",
            score = policy.min_score,
            max = crate::domain::password::MAX_SCORE
        ));
    }
    let switches = [
        (policy.reject_common, tr!(lang, "password-rule-common")),
        (policy.reject_personal, tr!(lang, "password-rule-personal")),
        (policy.require_digit, tr!(lang, "password-rule-digit")),
        (policy.require_upper, tr!(lang, "password-rule-upper")),
        (policy.require_lower, tr!(lang, "password-rule-lower")),
        (policy.require_symbol, tr!(lang, "password-rule-symbol")),
        (policy.require_two_step, tr!(lang, "password-rule-two-step")),
    ];
    rules.extend(switches.into_iter().filter(|(on, _)| *on).map(|(_, rule)| rule));
    rules.join("; ")
}

/// The sign-in address and the form that starts changing it.
fn email_section(signed_in: &SignedIn, outcome: Option<&EmailOutcome>) -> Markup {
    let lang = signed_in.lang;
    let (typed, all) = match outcome {
        Some(EmailOutcome::Failed { typed, errors }) => (typed.as_str(), errors.as_slice()),
        _ => ("", &[][..]),
    };
    let errors: HashMap<&str, &FieldError> = all.iter().map(|e| (e.property.as_str(), e)).collect();
    let (new_label, password_label) = (tr!(lang, "email-new"), tr!(lang, "password-current"));
    let new_email = PlainInput {
        name: "NewEmail",
        label: &new_label,
        kind: "email",
        autocomplete: "email",
        value: typed,
    };
    let password = PlainInput {
        name: "Password",
        label: &password_label,
        kind: "password",
        autocomplete: "current-password",
        value: "",
    };
    let content = html! {
        @if matches!(outcome, Some(EmailOutcome::Requested)) {
            p.saved role="status" { (tr!(lang, "email-requested")) }
        }
        (error_summary(lang, &tr!(lang, "email-not-sent"), all, &[]))
        p.hint { (tr!(lang, "email-current")) " " strong { (signed_in.profile.email) } ". " (tr!(lang, "email-hint")) }
        form method="post" action="/profile/email" novalidate {
            (page::csrf_input(&signed_in.csrf))
            (new_email.render(lang, errors.get("NewEmail").copied(), false))
            (password.render(lang, errors.get("Password").copied(), false))
            button type="submit" { (tr!(lang, "email-send")) }
        }
    };
    folding("email", &tr!(lang, "email-title"), content)
}

/// The member's language: every page and mail of theirs, whatever the browser says.
fn language_section(signed_in: &SignedIn, chosen: Option<Language>, saved: bool) -> Markup {
    let lang = signed_in.lang;
    let content = html! {
        @if saved { p.saved role="status" { (tr!(lang, "saved")) } }
        // The whole page changes language: the script does not save this one in place.
        form method="post" action="/profile/language" data-whole-page="true" {
            (page::csrf_input(&signed_in.csrf))
            div.field {
                label for="f-Language" { (tr!(lang, "language-label")) }
                select id="f-Language" name="Language" {
                    option value="" selected[chosen.is_none()] { (tr!(lang, "language-browser")) }
                    @for language in Language::all() {
                        option value=(language.code()) lang=(language.code()) selected[chosen == Some(language)] { (language.native_name()) }
                    }
                }
            }
            p.hint { (tr!(lang, "language-hint")) }
            button type="submit" { (tr!(lang, "language-save")) }
        }
    };
    folding("language", &tr!(lang, "language-title"), content)
}

/// Saves the member's language (or forgets it: the browser's then).
pub async fn save_language(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let chosen = posted.get("Language").and_then(|code| Language::from_code(code));
    match service::set_language(&app, &signed_in.session, chosen).await {
        Ok(()) => Redirect::to("/profile?language_saved=1#language").into_response(),
        Err(error) => page::error(signed_in.lang, &error),
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
    fn render(&self, lang: Language, error: Option<&FieldError>, strength_meter: bool) -> Markup {
        let name = self.name;
        html! {
            div.field.has-error[error.is_some()] {
                label for=(format!("f-{name}")) { (self.label) }
                @if let Some(error) = error { p.error id=(format!("f-{name}-error")) { (super::lang::field_error(lang, error)) } }
                input type=(self.kind) id=(format!("f-{name}")) name=(name) autocomplete=(self.autocomplete)
                    value=[(!self.value.is_empty()).then_some(self.value)]
                    aria-describedby=[error.map(|_| format!("f-{name}-error"))]
                    data-strength=[strength_meter.then_some("true")];
            }
        }
    }
}

/// The errors of a refused form, each linking to its field; nothing when there are none.
fn error_summary(lang: Language, outcome: &str, errors: &[FieldError], custom: &[CustomField]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.summary role="alert" tabindex="-1" data-focus="true" {
                h3 { (tr!(lang, "error-summary", outcome = outcome, count = errors.len())) }
                ul { @for error in errors {
                    li { a href=(format!("#f-{}", error.property)) { (error_label(lang, &error.property, custom)) ": " (super::lang::field_error(lang, error)) } }
                } }
            }
        }
    }
}

/// What the summary calls a property: its label on the page.
fn error_label(lang: Language, property: &str, custom: &[CustomField]) -> String {
    if let Some(definition) = custom.iter().find(|d| d.property() == property) {
        return definition.label.clone();
    }
    match Field::from_property(property) {
        Some(field) => form::label(lang, field),
        None => match Credential::from_property(property) {
            Some(Credential::Current) => tr!(lang, "password-current"),
            Some(Credential::New) => tr!(lang, "password-new"),
            Some(Credential::Repeat) => tr!(lang, "password-repeat"),
            None if property == "NewEmail" => tr!(lang, "email-new"),
            None if property == "Password" => tr!(lang, "password-current"),
            None => property.to_string(),
        },
    }
}

pub async fn switch(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let lang = signed_in.lang;
    let Some(profile_id) = posted.get("ProfileId").and_then(|id| id.trim().parse::<i64>().ok()) else {
        return page::failed(lang, StatusCode::BAD_REQUEST, &tr!(lang, "profile-choose-one"));
    };
    match service::switch(&app, &signed_in.session, profile_id).await {
        Ok(()) => Redirect::to("/profile").into_response(),
        Err(ServiceError::NotFound(_)) => {
            page::failed(lang, StatusCode::NOT_FOUND, &tr!(lang, "profile-not-yours"))
        }
        Err(error) => page::error(signed_in.lang, &error),
    }
}
