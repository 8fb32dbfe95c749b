//! `/directory`: the member directory of the member's location as a grid of people (face,
//! name, position, company, tags that filter the directory), searchable, and a member's
//! card with their bio, links and, where the location allows it, a form to write to them
//! (`service::contact`), through the same service functions as the API.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, PreEscaped, html};

use super::browser::{GenuineForm, SignedIn};
use super::{form, page};
use crate::domain::catalogue::{Field, Rule};
use crate::domain::contact::{MAX_MESSAGE_CHARS, MESSAGE};
use crate::domain::directory::{self, DirectoryParams};
use crate::domain::photo::{self, PhotoKind};
use crate::i18n::Language;
use crate::service::ServiceError;
use crate::service::contact::{self, ContactForm};
use crate::service::directory::{self as service, DirectoryEntry};
use crate::tr;
use crate::web::{Client, SharedState};

/// The search form's fields: a GET form, so a search (and its page) stays in the address,
/// to share, bookmark or go back to.
#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    query: Option<String>,
    tag: Option<String>,
    page: Option<String>,
}

pub async fn list(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Query(query): Query<ListQuery>,
) -> Response {
    let params = DirectoryParams {
        query: query.query.as_deref(),
        tag: query.tag.as_deref(),
        page: query.page.as_deref(),
        size: None,
        order: None,
    };
    let lang = signed_in.lang;
    let (status, results) = match service::search(&app, &signed_in.profile, &params).await {
        Ok(found) => (StatusCode::OK, Ok(found)),
        Err(error @ ServiceError::InvalidParameter { .. }) => {
            (StatusCode::BAD_REQUEST, Err(super::lang::error_text(lang, &error)))
        }
        Err(error) => return page::error(lang, &error),
    };
    let typed = query.query.clone().unwrap_or_default();
    let tag = query.tag.clone().unwrap_or_default();
    let body = html! {
        h1 { (tr!(lang, "directory-title")) }
        form.search.directory-search role="search" method="get" action="/directory" {
            div.field {
                label for="f-query" { (tr!(lang, "directory-search-label")) }
                input type="search" id="f-query" name="query" value=(typed) maxlength="200";
            }
            div.field {
                label for="f-tag" { (tr!(lang, "directory-tag")) }
                input type="text" id="f-tag" name="tag" value=(tag) maxlength="50";
            }
            button type="submit" { (tr!(lang, "directory-search")) }
        }
        @match &results {
            Err(problem) => div.summary role="alert" { p { (problem) } },
            Ok(found) => {
                p role="status" { (tr!(lang, "members-count", count = found.total)) }
                ul.cards { @for entry in &found.entries { li { (card_summary(lang, entry)) } } }
                nav.pages aria-label=(tr!(lang, "pages")) {
                    @if found.page > 1 {
                        a rel="prev" href=(page_link(&typed, &tag, found.page - 1)) { (tr!(lang, "pages-previous")) }
                    }
                    @if found.page * found.size < found.total {
                        a rel="next" href=(page_link(&typed, &tag, found.page + 1)) { (tr!(lang, "pages-next")) }
                    }
                }
            }
        }
    };
    page::respond(status, page::layout(lang, &tr!(lang, "directory-title"), Some(&signed_in.csrf), body))
}

fn page_link(query: &str, tag: &str, page: u64) -> String {
    let mut url = url::Url::parse("http://portal/directory").expect("a fixed URL");
    url.query_pairs_mut()
        .append_pair("query", query)
        .append_pair("tag", tag)
        .append_pair("page", &page.to_string());
    format!("/directory?{}", url.query().unwrap_or_default())
}

/// The directory of those with this tag.
fn tag_link(tag: &str) -> String {
    let mut url = url::Url::parse("http://portal/directory").expect("a fixed URL");
    url.query_pairs_mut().append_pair("tag", tag);
    format!("/directory?{}", url.query().unwrap_or_default())
}

fn text(entry: &DirectoryEntry, field: Field) -> Option<&str> {
    entry.profile.values.text(field).filter(|t| !t.is_empty())
}

/// How the directory shows a public property: the name heads the card and the bio comes
/// from its stored HTML; addresses are links; the rest is text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Name,
    Bio,
    Link,
    Text,
}

fn shown_as(field: Field) -> Shown {
    match field.spec().rule {
        _ if field == Field::FullName => Shown::Name,
        _ if field == Field::ProfileSummary => Shown::Bio,
        Rule::Website | Rule::Social(_) => Shown::Link,
        _ => Shown::Text,
    }
}

/// A list entry: the face, the name (to the card), the position and company, and the tags,
/// each a link to the directory filtered by it.
fn card_summary(lang: Language, entry: &DirectoryEntry) -> Markup {
    let profile = &entry.profile;
    html! {
        article.member {
            img.face src=(photo::path(&profile.unique_id, PhotoKind::Avatar)) alt="" width="72" height="72" loading="lazy";
            div.who {
                h2 { a href=(format!("/directory/{}", profile.id)) { (profile.full_name()) } }
                @if let Some(position) = text(entry, Field::Position) { p.position { (position) } }
                @if let Some(company) = text(entry, Field::CompanyName) { p.company { (company) } }
            }
            (tag_links(lang, &profile.tags_list()))
        }
    }
}

/// Tags as links to the directory of those who share them.
fn tag_links(lang: Language, tags: &[&str]) -> Markup {
    html! {
        @if !tags.is_empty() {
            ul.tags aria-label=(tr!(lang, "directory-tags")) {
                @for tag in tags { li { a href=(tag_link(tag)) { (tag) } } }
            }
        }
    }
}

/// What the card's contact form shows: nothing yet, the message sent, or what was typed
/// with the reason it was not sent.
#[derive(Default)]
enum ContactOutcome {
    #[default]
    Blank,
    Sent,
    Refused {
        typed: String,
        share_address: bool,
        problem: String,
        by_field: bool,
    },
}

#[derive(serde::Deserialize, Default)]
pub struct CardQuery {
    sent: Option<String>,
}

pub async fn card(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Path(id): Path<i64>,
    Query(query): Query<CardQuery>,
) -> Response {
    let outcome = if query.sent.is_some() { ContactOutcome::Sent } else { ContactOutcome::Blank };
    render_card(&app, &signed_in, id, StatusCode::OK, outcome).await
}

/// Writes to the member of the card (`service::contact::write`); back to the card, which
/// says the message went, or shows what was typed with the reason it did not.
pub async fn contact(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Client(client): Client,
    Path(id): Path<i64>,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let typed = posted.get(MESSAGE).cloned().unwrap_or_default();
    let share_address = posted.get("ShareAddress").is_some_and(|v| v == "true");
    let form = ContactForm { message: &typed, share_address };
    let lang = signed_in.lang;
    let error = match contact::write(&app, &signed_in.profile, id, form, &client).await {
        Ok(()) => return Redirect::to(&format!("/directory/{id}?sent=1#contact")).into_response(),
        Err(error) => error,
    };
    let (problem, by_field) = match &error {
        ServiceError::Validation(errors) => {
            (errors.iter().map(|e| super::lang::field_error(lang, e)).collect::<Vec<_>>().join("; "), true)
        }
        ServiceError::TooManyMessages { .. } => (super::lang::error_text(lang, &error), false),
        _ => return page::error(lang, &error),
    };
    let outcome = ContactOutcome::Refused { typed, share_address, problem, by_field };
    let response = render_card(&app, &signed_in, id, page::status_of(&error), outcome).await;
    page::with_wait(response, &error)
}

/// A member's card: every public property, as text or a link, the bio's stored HTML, the
/// location's questions shown in the directory, and the contact form where it is on.
async fn render_card(
    app: &SharedState,
    signed_in: &SignedIn,
    id: i64,
    status: StatusCode,
    outcome: ContactOutcome,
) -> Response {
    let lang = signed_in.lang;
    let entry = match service::card(app, &signed_in.profile, id).await {
        Ok(entry) => entry,
        Err(ServiceError::NotFound(_)) => {
            return page::failed(lang, StatusCode::NOT_FOUND, &tr!(lang, "directory-no-such-member"));
        }
        Err(error) => return page::error(lang, &error),
    };
    let can_write = match contact::can_write(app, &signed_in.profile, entry.profile.id).await {
        Ok(can_write) => can_write,
        Err(error) => return page::error(lang, &error),
    };
    let profile = &entry.profile;
    let headline: Vec<&str> =
        [Field::Position, Field::CompanyName].into_iter().filter_map(|field| text(&entry, field)).collect();
    // Every property the catalogue marks public, in its order, but those the head shows.
    let details: Vec<Markup> = directory::card_fields()
        .filter(|field| !matches!(field, Field::Position | Field::CompanyName | Field::ProfileTags))
        .filter_map(|field| detail(lang, &entry, field))
        .collect();
    let body = html! {
        article.card.member.profile-card {
            img.banner src=(photo::path(&profile.unique_id, PhotoKind::Banner)) alt="" width="1200" height="300";
            div.identity {
                img.face src=(photo::path(&profile.unique_id, PhotoKind::Avatar)) alt="" width="120" height="120";
                div {
                    h1 { (profile.full_name()) }
                    @if !headline.is_empty() { p.position { (headline.join(" · ")) } }
                }
            }
            (tag_links(lang, &profile.tags_list()))
            // The bio only through the sanitised render; every other string is text.
            @if let Some(summary) = &entry.summary_html { div.bio { (PreEscaped(summary)) } }
            @if !details.is_empty() || !entry.custom.is_empty() {
                dl {
                    @for item in &details { (item) }
                    @for custom in &entry.custom {
                        @if let Some(answer) = profile.values.text(custom.field()) {
                            dt { (custom.label) } dd { (form::custom_answer(lang, custom, Some(answer))) }
                        }
                    }
                }
            }
            p { a href="/directory" { (tr!(lang, "directory-back")) } }
        }
        @if can_write { (contact_form(lang, &entry, &outcome, &signed_in.csrf)) }
    };
    page::respond(status, page::layout(lang, profile.full_name(), Some(&signed_in.csrf), body))
}

/// One property of the card as a term and its value: an address as a link (only an
/// `http(s)` address the domain stored as such), anything else as text.
fn detail(lang: Language, entry: &DirectoryEntry, field: Field) -> Option<Markup> {
    let value = text(entry, field)?;
    match shown_as(field) {
        Shown::Name | Shown::Bio => None,
        Shown::Link if is_web_address(value) => Some(html! {
            dt { (form::label(lang, field)) }
            dd { a href=(value) rel="nofollow noopener ugc" { (value) } }
        }),
        Shown::Link | Shown::Text => Some(html! { dt { (form::label(lang, field)) } dd { (value) } }),
    }
}

/// What a link may point at: a whole `http` or `https` address (a Skype name is not one).
fn is_web_address(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

fn contact_form(lang: Language, entry: &DirectoryEntry, outcome: &ContactOutcome, csrf: &str) -> Markup {
    let name = entry.profile.full_name();
    let (typed, share_address, problem, by_field) = match outcome {
        ContactOutcome::Refused { typed, share_address, problem, by_field } => {
            (typed.as_str(), *share_address, Some(problem.as_str()), *by_field)
        }
        _ => ("", false, None, false),
    };
    let field_error = problem.filter(|_| by_field);
    html! {
        section.card id="contact" aria-labelledby="contact-title" {
            h2 id="contact-title" { (tr!(lang, "contact-title", name = name)) }
            @if matches!(outcome, ContactOutcome::Sent) {
                p.saved role="status" { (tr!(lang, "contact-sent")) }
            }
            @if let Some(problem) = problem.filter(|_| !by_field) {
                div.summary role="alert" { p { (problem) } }
            }
            form method="post" action=(format!("/directory/{}/contact", entry.profile.id)) {
                (page::csrf_input(csrf))
                div.field.has-error[field_error.is_some()] {
                    label for="f-Message" { (tr!(lang, "contact-message")) }
                    @if let Some(error) = field_error { p.error id="f-Message-error" { (error) } }
                    p.hint id="f-Message-hint" { (tr!(lang, "contact-hint")) }
                    textarea id="f-Message" name=(MESSAGE) rows="6" maxlength=(MAX_MESSAGE_CHARS) required
                        aria-describedby=(if field_error.is_some() { "f-Message-error f-Message-hint" } else { "f-Message-hint" })
                        aria-invalid=[field_error.map(|_| "true")] { (typed) }
                }
                label.check {
                    input type="checkbox" name="ShareAddress" value="true" checked[share_address];
                    (tr!(lang, "contact-share-address"))
                }
                button type="submit" { (tr!(lang, "contact-send")) }
            }
        }
    }
}
