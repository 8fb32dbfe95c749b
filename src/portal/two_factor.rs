//! `/profile/two-factor`: two-step sign-in on the portal. Set up with an authenticator app
//! (a QR code drawn here as inline SVG, and the secret in text), confirmed with a code,
//! recovery codes shown once to copy or download, turned off. Works without JavaScript.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, PreEscaped, html};
use secrecy::SecretString;

use super::browser::{GenuineForm, SignedIn};
use super::page;
use crate::domain::FieldError;
use crate::i18n::Language;
use crate::service::ServiceError;
use crate::service::two_factor::{self as service, Enrolment};
use crate::tr;
use crate::web::{Client, SharedState};

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    off: Option<String>,
}

/// What the page shows besides the stored state.
#[derive(Default)]
struct Outcome {
    /// Just turned on: the recovery codes, this once.
    recovery_codes: Option<Vec<String>>,
    turned_off: bool,
    errors: Vec<FieldError>,
    /// A refusal that is not a field's (a lockout, a busy server).
    problem: Option<String>,
}

pub async fn show(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let outcome = Outcome { turned_off: query.off.is_some(), ..Outcome::default() };
    render(&app, &signed_in, StatusCode::OK, outcome).await
}

pub async fn start(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let password = SecretString::from(posted.get("Password").cloned().unwrap_or_default());
    match service::begin(&app, &signed_in.session, &password, &client).await {
        Ok(_) => Redirect::to("/profile/two-factor").into_response(),
        Err(error) => refused(&app, &signed_in, error).await,
    }
}

pub async fn confirm(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let code = posted.get("Code").cloned().unwrap_or_default();
    match service::confirm(&app, &signed_in.session, &code, &client).await {
        Ok(codes) => {
            let outcome = Outcome { recovery_codes: Some(codes), ..Outcome::default() };
            render(&app, &signed_in, StatusCode::OK, outcome).await
        }
        Err(error) => refused(&app, &signed_in, error).await,
    }
}

pub async fn turn_off(
    signed_in: SignedIn,
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let password = SecretString::from(posted.get("Password").cloned().unwrap_or_default());
    let code = posted.get("Code").cloned().unwrap_or_default();
    match service::disable(&app, &signed_in.session, &password, &code, &client).await {
        Ok(()) => Redirect::to("/profile/two-factor?off=1").into_response(),
        Err(error) => refused(&app, &signed_in, error).await,
    }
}

async fn refused(app: &crate::service::AppState, signed_in: &SignedIn, error: ServiceError) -> Response {
    let status = page::status_of(&error);
    let outcome = match error {
        ServiceError::Validation(errors) => Outcome { errors: errors.into_vec(), ..Outcome::default() },
        other => {
            other.log_if_fault();
            let outcome = Outcome {
                problem: Some(super::lang::error_text(signed_in.lang, &other)),
                ..Outcome::default()
            };
            return page::with_wait(render(app, signed_in, status, outcome).await, &other);
        }
    };
    render(app, signed_in, status, outcome).await
}

async fn render(
    app: &crate::service::AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let lang = signed_in.lang;
    let state = match service::status(app, &signed_in.session).await {
        Ok(state) => state,
        Err(error) => return page::error(lang, &error),
    };
    let waiting = match service::waiting(app, &signed_in.session).await {
        Ok(waiting) => waiting,
        Err(error) => return page::error(lang, &error),
    };
    let error = |property: &str| outcome.errors.iter().find(|e| e.property == property);
    let (password, code) = (tr!(lang, "password-current"), tr!(lang, "two-step-code-or-recovery"));
    let body = html! {
        h1 { (tr!(lang, "two-step-title")) }
        p { a href="/profile#credentials" { (tr!(lang, "back-to-profile")) } }
        @if let Some(problem) = &outcome.problem {
            div.summary role="alert" tabindex="-1" data-focus="true" { p { (problem) } }
        }
        @if outcome.turned_off { p.saved role="status" { (tr!(lang, "two-step-turned-off")) } }
        @if let Some(codes) = &outcome.recovery_codes {
            (recovery_codes(lang, codes))
        } @else if state.on {
            section.card aria-labelledby="h-on" {
                h2 id="h-on" { (tr!(lang, "two-step-on")) }
                p { (tr!(lang, "two-step-on-text", count = state.recovery_codes_left)) }
                form method="post" action="/profile/two-factor/off" novalidate {
                    (page::csrf_input(&signed_in.csrf))
                    (field(lang, "Password", &password, "password", "current-password", error("Password")))
                    (field(lang, "Code", &code, "text", "one-time-code", error("Code")))
                    button.secondary type="submit" { (tr!(lang, "two-step-turn-off")) }
                }
            }
        } @else if let Some(enrolment) = &waiting {
            (setup(lang, enrolment, &signed_in.csrf, error("Code")))
        } @else {
            section.card aria-labelledby="h-off" {
                h2 id="h-off" { (tr!(lang, "two-step-off")) }
                p { (tr!(lang, "two-step-off-text")) }
                form method="post" action="/profile/two-factor/start" novalidate {
                    (page::csrf_input(&signed_in.csrf))
                    (field(lang, "Password", &password, "password", "current-password", error("Password")))
                    button type="submit" { (tr!(lang, "two-step-set-up")) }
                }
            }
        }
    };
    page::respond(status, page::layout(lang, &tr!(lang, "two-step-title"), Some(&signed_in.csrf), body))
}

/// Scan (or type) the secret, then confirm with a code.
fn setup(lang: Language, enrolment: &Enrolment, csrf: &str, error: Option<&FieldError>) -> Markup {
    let qr = qrcode::QrCode::new(enrolment.otpauth_uri.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build()
        })
        .unwrap_or_default();
    html! {
        section.card aria-labelledby="h-setup" {
            h2 id="h-setup" { (tr!(lang, "two-step-setup")) }
            p { (tr!(lang, "two-step-scan")) }
            // Drawn here from the otpauth address; nothing a member typed is in the picture.
            div.qr role="img" aria-label=(tr!(lang, "two-step-qr")) { (PreEscaped(qr)) }
            p { (tr!(lang, "two-step-type-secret")) " " code #secret { (enrolment.secret) } }
            form method="post" action="/profile/two-factor/confirm" novalidate {
                input type="hidden" name=(super::browser::CSRF_FIELD) value=(csrf);
                (field(lang, "Code", &tr!(lang, "two-step-enter-code"), "text", "one-time-code", error))
                button type="submit" { (tr!(lang, "two-step-turn-on")) }
            }
        }
    }
}

/// The recovery codes, shown once: to copy, print or download.
fn recovery_codes(lang: Language, codes: &[String]) -> Markup {
    let text = codes.join("\n") + "\n";
    let encoded: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let download = format!("data:text/plain;charset=utf-8,{encoded}");
    html! {
        section.card aria-labelledby="h-codes" {
            h2 id="h-codes" { (tr!(lang, "two-step-is-on")) }
            p.saved role="status" tabindex="-1" data-focus="true" { (tr!(lang, "two-step-keep-codes")) }
            ul #recovery-codes { @for code in codes { li { code { (code) } } } }
            p { a href=(download) download="portico-recovery-codes.txt" { (tr!(lang, "two-step-download")) } }
            p { (tr!(lang, "two-step-others-signed-out")) }
        }
    }
}

fn field(
    lang: Language,
    name: &str,
    label: &str,
    kind: &str,
    autocomplete: &str,
    error: Option<&FieldError>,
) -> Markup {
    let id = format!("f-{name}");
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(error) = error { p.error id=(format!("{id}-error")) { (super::lang::field_error(lang, error)) } }
            input type=(kind) id=(id) name=(name) autocomplete=(autocomplete)
                inputmode=[(name == "Code").then_some("text")]
                aria-describedby=[error.map(|_| format!("{id}-error"))];
        }
    }
}
