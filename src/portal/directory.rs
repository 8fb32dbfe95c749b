//! `/directory`: the member directory of the member's location, searchable, and a member's
//! card, through the same service functions as the API.

use crate::domain::photo::{self, PhotoKind};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};

use super::browser::SignedIn;
use super::{form, page};
use crate::domain::catalogue::{Field, Rule};
use crate::domain::directory::{self, DirectoryParams};
use crate::service::ServiceError;
use crate::service::directory::{self as service, DirectoryEntry};
use crate::tr;
use crate::web::SharedState;

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
        form.search role="search" method="get" action="/directory" {
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
                ul.cards { @for entry in &found.entries { li { (card_summary(entry)) } } }
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

/// A list entry: the name, then every other public property the list shows, as text.
fn card_summary(entry: &DirectoryEntry) -> Markup {
    let details: Vec<&str> = directory::list_fields()
        .filter(|field| shown_as(*field) == Shown::Text)
        .filter_map(|field| text(entry, field))
        .collect();
    html! {
        article.member {
            img.face src=(photo::path(&entry.profile.unique_id, PhotoKind::Avatar)) alt="" width="64" height="64" loading="lazy";
            h2 { a href=(format!("/directory/{}", entry.profile.id)) { (entry.profile.full_name()) } }
            @if !details.is_empty() { p { (details.join(" · ")) } }
        }
    }
}

pub async fn card(signed_in: SignedIn, State(app): State<SharedState>, Path(id): Path<i64>) -> Response {
    let lang = signed_in.lang;
    let entry = match service::card(&app, &signed_in.profile, id).await {
        Ok(entry) => entry,
        Err(ServiceError::NotFound(_)) => {
            return page::failed(lang, StatusCode::NOT_FOUND, &tr!(lang, "directory-no-such-member"));
        }
        Err(error) => return page::error(lang, &error),
    };
    // Every property the catalogue marks public, in its order.
    let body = html! {
        article.card.member {
            img.banner src=(photo::path(&entry.profile.unique_id, PhotoKind::Banner)) alt="" width="1200" height="300";
            img.face src=(photo::path(&entry.profile.unique_id, PhotoKind::Avatar)) alt="" width="120" height="120";
            h1 { (entry.profile.full_name()) }
            dl {
                @for field in directory::card_fields() {
                    @match (shown_as(field), text(&entry, field)) {
                        (Shown::Text, Some(value)) => { dt { (form::label(lang, field)) } dd { (value) } }
                        (Shown::Link, Some(address)) => {
                            dt { (form::label(lang, field)) }
                            dd { a href=(address) rel="nofollow noopener noreferrer" { (address) } }
                        }
                        _ => {}
                    }
                }
                @for custom in &entry.custom {
                    @if let Some(answer) = entry.profile.values.text(custom.field()) {
                        dt { (custom.label) } dd { (form::custom_answer(lang, custom, Some(answer))) }
                    }
                }
            }
            // The bio only through the sanitised render; every other string is text.
            @if let Some(summary) = &entry.summary_html { div.bio { (PreEscaped(summary)) } }
            p { a href="/directory" { (tr!(lang, "directory-back")) } }
        }
    };
    page::respond(
        StatusCode::OK,
        page::layout(lang, &tr!(lang, "directory-member-title"), Some(&signed_in.csrf), body),
    )
}
