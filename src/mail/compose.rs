//! The messages Portico sends: plain text with a simple HTML part, in the location's name
//! and brand (its logo in the header, its accent on the button), in the reader's language
//! (the words are in `locales/*/mail.ftl`). Names, addresses and a relayed message come
//! from members, so the HTML part escapes them (maud); a link is the only thing a message
//! asks its reader to use.
//!
//! A message is queued with [`PUBLIC_URL`] where its links' public address goes, and made
//! whole by [`with_public_url`] when it is sent or shown: the process that writes it (the
//! CLI, say) need not know where members reach Portico.

use maud::{DOCTYPE, Markup, html};

use crate::domain::brand::Brand;
use crate::domain::mail::NewMail;
use crate::i18n::Language;
use crate::tr;

/// Stands for the public URL (no trailing `/`) in a queued message's links; maud does not
/// escape these characters, so it is found in both parts as written.
pub const PUBLIC_URL: &str = "{portico-public-url}";

/// `mail` with `public_url` in place of [`PUBLIC_URL`]: as text in the plain part, escaped
/// in the HTML part. A member who types the placeholder into their name gets the public URL
/// in the greeting, escaped like the rest: nothing they write becomes markup. Messages
/// queued before links were made at sending hold whole links, and stay as they are.
pub fn with_public_url(mail: &NewMail, public_url: &str) -> NewMail {
    let escaped = html! { (public_url) }.into_string();
    NewMail {
        to: mail.to.clone(),
        subject: mail.subject.clone(),
        text: mail.text.replace(PUBLIC_URL, public_url),
        html: mail.html.replace(PUBLIC_URL, &escaped),
        reply_to: mail.reply_to.clone(),
        sender_id: mail.sender_id,
    }
}

/// The words of one message, in its reader's language: a greeting, paragraphs, an
/// optional link with its button text, and a closing note.
struct Letter<'a> {
    lang: Language,
    brand: &'a Brand,
    greeting: String,
    paragraphs: Vec<String>,
    link: Option<(&'a str, String)>,
    closing: String,
}

impl Letter<'_> {
    fn into_mail(self, to: &str, subject: &str) -> NewMail {
        let mut text = format!("{}\n\n", self.greeting);
        for paragraph in &self.paragraphs {
            text.push_str(&format!("{paragraph}\n\n"));
        }
        if let Some((url, _)) = &self.link {
            text.push_str(&format!("{url}\n\n"));
        }
        text.push_str(&format!("{}\n\n{}\n", self.closing, self.brand.name));
        NewMail {
            to: to.to_string(),
            subject: format!("{}: {subject}", self.brand.name),
            text,
            html: self.html().into_string(),
            reply_to: None,
            sender_id: None,
        }
    }

    fn html(&self) -> Markup {
        html! {
            (DOCTYPE)
            html lang=(self.lang.code()) { body style=(BODY_STYLE) {
                (header(self.brand))
                p { (self.greeting) }
                @for paragraph in &self.paragraphs { p { (paragraph) } }
                @if let Some((url, label)) = &self.link {
                    p { a href=(url) style=(button_style(self.brand)) { (label) } }
                    p style="font-size: .9rem; color: #555" { (tr!(self.lang, "mail-open-address")) " " (url) }
                }
                p { (self.closing) }
                p { (self.brand.name) }
            } }
        }
    }
}

const BODY_STYLE: &str = "font-family: sans-serif; line-height: 1.5; max-width: 36rem";
/// The button's colour where the location has no accent of its own (the portal's).
const DEFAULT_ACCENT: &str = "#0b5cad";

/// The top of every message: the location's logo (served from the public address) and name.
fn header(brand: &Brand) -> Markup {
    html! {
        p style="margin: 0 0 1.5rem; font-size: 1.2rem; font-weight: bold" {
            @if let Some(path) = &brand.logo_path {
                img src=(format!("{PUBLIC_URL}{path}")) alt="" height="48" style="height: 48px; width: auto; vertical-align: middle; margin-right: .75rem";
            }
            span style="vertical-align: middle" { (brand.name) }
        }
    }
}

/// The button in the location's accent: only a checked `#rrggbb` is ever written here.
fn button_style(brand: &Brand) -> String {
    let accent = brand.accent.map_or_else(|| DEFAULT_ACCENT.to_string(), |accent| accent.hex());
    format!(
        "display: inline-block; padding: .6rem 1rem; background: {accent}; color: #fff; text-decoration: none; border-radius: 4px"
    )
}

pub fn invitation(
    lang: Language,
    to: &str,
    full_name: &str,
    brand: &Brand,
    link: &str,
    valid_days: i64,
) -> NewMail {
    let location = brand.name.as_str();
    Letter {
        lang,
        brand,
        greeting: tr!(lang, "mail-greeting-name", name = full_name),
        paragraphs: vec![
            tr!(lang, "mail-invitation-invited", location = location),
            tr!(lang, "mail-invitation-choose", days = valid_days),
        ],
        link: Some((link, tr!(lang, "mail-invitation-button"))),
        closing: tr!(lang, "mail-invitation-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-invitation-subject"))
}

pub fn password_reset(lang: Language, to: &str, brand: &Brand, link: &str) -> NewMail {
    Letter {
        lang,
        brand,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![tr!(lang, "mail-reset-asked"), tr!(lang, "mail-reset-choose")],
        link: Some((link, tr!(lang, "mail-reset-button"))),
        closing: tr!(lang, "mail-reset-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-reset-subject"))
}

pub fn sign_in_link(lang: Language, to: &str, brand: &Brand, link: &str) -> NewMail {
    Letter {
        lang,
        brand,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![tr!(lang, "mail-sign-in-asked"), tr!(lang, "mail-sign-in-use")],
        link: Some((link, tr!(lang, "mail-sign-in-button"))),
        closing: tr!(lang, "mail-sign-in-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-sign-in-subject"))
}

pub fn email_change_confirmation(lang: Language, to: &str, brand: &Brand, link: &str) -> NewMail {
    Letter {
        lang,
        brand,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![tr!(lang, "mail-email-confirm-asked"), tr!(lang, "mail-email-confirm-use")],
        link: Some((link, tr!(lang, "mail-email-confirm-button"))),
        closing: tr!(lang, "mail-email-confirm-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-email-confirm-subject"))
}

pub fn email_change_notice(
    lang: Language,
    to: &str,
    brand: &Brand,
    new_email: &str,
    undo_link: &str,
) -> NewMail {
    Letter {
        lang,
        brand,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![
            tr!(lang, "mail-email-notice-asked", email = new_email),
            tr!(lang, "mail-email-notice-undo"),
        ],
        link: Some((undo_link, tr!(lang, "mail-email-notice-button"))),
        closing: tr!(lang, "mail-email-notice-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-email-notice-subject"))
}

pub fn address_in_use(lang: Language, to: &str, brand: &Brand) -> NewMail {
    Letter {
        lang,
        brand,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![tr!(lang, "mail-in-use-asked"), tr!(lang, "mail-in-use-nothing")],
        link: None,
        closing: tr!(lang, "mail-in-use-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-in-use-subject"))
}

/// A message one member wrote to another through the directory (docs/PORTAL.md, "The contact
/// relay"): what they wrote, quoted as text, and how to answer.
pub struct Relayed<'a> {
    /// The recipient's address: never shown to the writer.
    pub to: &'a str,
    pub recipient_name: &'a str,
    pub sender_name: &'a str,
    pub sender_id: i64,
    /// Plain text as the writer typed it (cleaned and capped by `domain::contact`).
    pub message: &'a str,
    /// The writer's address, when they agreed that replies go to it.
    pub reply_to: Option<&'a str>,
    /// The writer's directory card (below the public URL), when it is public.
    pub sender_card: Option<String>,
}

pub fn relayed_message(lang: Language, brand: &Brand, relayed: &Relayed<'_>) -> NewMail {
    let sender = relayed.sender_name;
    let location = brand.name.as_str();
    let greeting = tr!(lang, "mail-greeting-name", name = relayed.recipient_name);
    let opening = tr!(lang, "mail-relay-opening", sender = sender, location = location);
    let answer = if relayed.reply_to.is_some() {
        tr!(lang, "mail-relay-reply-shared", sender = sender)
    } else {
        tr!(lang, "mail-relay-reply-hidden", sender = sender)
    };
    let card = relayed.sender_card.as_ref().map(|path| format!("{PUBLIC_URL}{path}"));
    let privacy = tr!(lang, "mail-relay-privacy", sender = sender, location = location);
    let mut text = format!("{greeting}\n\n{opening}\n\n");
    for line in relayed.message.lines() {
        text.push_str(&format!("> {line}\n"));
    }
    text.push_str(&format!("\n{answer}\n\n"));
    if let Some(card) = &card {
        text.push_str(&format!(
            "{}\n\n",
            tr!(lang, "mail-relay-card-text", sender = sender, card = card.as_str())
        ));
    }
    text.push_str(&format!("{privacy}\n\n{}\n", brand.name));
    let html = html! {
        (DOCTYPE)
        html lang=(lang.code()) { body style=(BODY_STYLE) {
            (header(brand))
            p { (greeting) }
            p { (opening) }
            // The writer's words as text: escaped, line breaks kept, nothing a link.
            blockquote style="margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #c9ced6; white-space: pre-wrap" {
                (relayed.message)
            }
            p { (answer) }
            @if let Some(card) = &card {
                p { a href=(card) style=(button_style(brand)) { (tr!(lang, "mail-relay-card-button")) } }
            }
            p style="font-size: .9rem; color: #555" { (privacy) }
            p { (brand.name) }
        } }
    };
    NewMail {
        to: relayed.to.to_string(),
        subject: format!("{}: {}", brand.name, tr!(lang, "mail-relay-subject", sender = sender)),
        text,
        html: html.into_string(),
        reply_to: relayed.reply_to.map(str::to_string),
        sender_id: Some(relayed.sender_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::brand::Accent;

    fn named(name: &str) -> Brand {
        Brand { name: name.into(), ..Brand::default() }
    }

    #[test]
    fn a_message_has_the_link_in_both_parts_and_escapes_names_in_html() {
        let mail = invitation(
            Language::English,
            "ann@example.com",
            "Ann <b>Bold</b>",
            &named("Canal & Co"),
            "https://p.example/welcome?token=abc",
            7,
        );
        assert_eq!(mail.to, "ann@example.com");
        assert_eq!(mail.subject, "Canal & Co: your invitation");
        assert!(
            mail.text.contains("https://p.example/welcome?token=abc")
                && mail.text.contains("Hello Ann <b>Bold</b>,")
        );
        assert!(mail.html.contains("href=\"https://p.example/welcome?token=abc\""));
        assert!(
            mail.html.contains("Ann &lt;b&gt;Bold&lt;/b&gt;") && !mail.html.contains("<b>"),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("Canal &amp; Co"));
        assert!(mail.text.contains("for 7 days"));
        let reset = password_reset(
            Language::English,
            "ann@example.com",
            &named("Canal"),
            "https://p.example/reset?token=x",
        );
        assert!(
            reset.text.contains("https://p.example/reset?token=x")
                && reset.subject.ends_with("reset your password")
        );
    }

    #[test]
    fn every_message_is_written_in_each_language() {
        for lang in Language::all() {
            let mails = [
                invitation(lang, "a@example.com", "Ann", &named("Canal"), "https://p/welcome?token=t", 7),
                password_reset(lang, "a@example.com", &named("Canal"), "https://p/reset?token=t"),
                sign_in_link(lang, "a@example.com", &named("Canal"), "https://p/signin/link?token=t"),
                email_change_confirmation(
                    lang,
                    "a@example.com",
                    &named("Canal"),
                    "https://p/confirm-email?token=t",
                ),
                email_change_notice(
                    lang,
                    "a@example.com",
                    &named("Canal"),
                    "b@example.com",
                    "https://p/undo-email?token=t",
                ),
                address_in_use(lang, "a@example.com", &named("Canal")),
            ];
            for mail in mails {
                assert!(mail.subject.starts_with("Canal: ") && mail.text.contains("Canal"), "{mail:?}");
                assert!(mail.html.contains(&format!("<html lang=\"{}\">", lang.code())), "{}", mail.html);
                assert!(!mail.text.contains("mail-"), "a message id, not words: {}", mail.text);
            }
        }
        let german = invitation(Language::German, "a@example.com", "Ann", &named("Canal"), "https://p/w", 7);
        assert!(german.text.contains("Hallo Ann,") && german.text.contains("7 Tage"), "{}", german.text);
    }

    #[test]
    fn the_sender_puts_its_public_url_in_the_links_escaped_in_html() {
        let queued = sign_in_link(
            Language::English,
            "ann@example.com",
            &named("Canal"),
            &format!("{PUBLIC_URL}/signin/link?token=abc"),
        );
        assert!(
            queued.html.contains(&format!("href=\"{PUBLIC_URL}/signin/link?token=abc\"")),
            "{}",
            queued.html
        );
        let sent = with_public_url(&queued, "https://members.example.com");
        assert!(sent.text.contains("\nhttps://members.example.com/signin/link?token=abc\n"), "{}", sent.text);
        assert!(sent.html.contains("href=\"https://members.example.com/signin/link?token=abc\""));
        assert!(!sent.text.contains(PUBLIC_URL) && !sent.html.contains(PUBLIC_URL));
        let odd = with_public_url(&queued, "https://m.example.com/a\"b<c>&d");
        assert!(
            odd.html.contains("href=\"https://m.example.com/a&quot;b&lt;c&gt;&amp;d/signin"),
            "{}",
            odd.html
        );
        assert_eq!(with_public_url(&sent, "https://other.example.com"), sent, "a whole link stays");
    }

    #[test]
    fn the_brand_heads_every_message_and_colours_its_button() {
        let brand = Brand {
            location_id: Some(7),
            name: "Canal Street Works".into(),
            logo_path: Some(crate::domain::brand::logo_path(7)),
            accent: Some(Accent::parse("#7a1f5c").expect("readable")),
            language: Language::English,
        };
        let mail = with_public_url(
            &password_reset(
                Language::English,
                "ann@example.com",
                &brand,
                &format!("{PUBLIC_URL}/reset?token=x"),
            ),
            "https://members.example.com",
        );
        assert_eq!(mail.subject, "Canal Street Works: reset your password");
        assert!(
            mail.html.contains("src=\"https://members.example.com/media/locations/7/logo\""),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("background: #7a1f5c"), "{}", mail.html);
        assert!(mail.text.ends_with("Canal Street Works\n"));
        let plain = password_reset(
            Language::English,
            "ann@example.com",
            &named("Canal"),
            "https://p.example/reset?token=x",
        );
        assert!(!plain.html.contains("<img") && plain.html.contains("background: #0b5cad"), "{}", plain.html);
    }

    #[test]
    fn a_relayed_message_is_text_escaped_and_hides_the_recipient() {
        let hostile = "Hi <script>alert(1)</script>\n<a href=\"https://evil.example\">prize</a> & more";
        let relayed = Relayed {
            to: "bob@example.com",
            recipient_name: "Bob <i>B</i>",
            sender_name: "Mallory <b>M</b>",
            sender_id: 42,
            message: hostile,
            reply_to: None,
            sender_card: Some("/directory/42".into()),
        };
        let mail = relayed_message(Language::English, &named("Canal"), &relayed);
        assert_eq!(
            (mail.to.as_str(), mail.reply_to.as_deref(), mail.sender_id),
            ("bob@example.com", None, Some(42))
        );
        assert_eq!(mail.subject, "Canal: a message from Mallory <b>M</b>");
        assert!(mail.text.contains("> Hi <script>alert(1)</script>\n> <a href"), "{}", mail.text);
        assert!(
            !mail.html.contains("<script") && !mail.html.contains("<a href=\"https://evil"),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("Hi &lt;script&gt;alert(1)&lt;/script&gt;"), "{}", mail.html);
        assert!(
            mail.html.contains("Mallory &lt;b&gt;M&lt;/b&gt;")
                && mail.html.contains("Bob &lt;i&gt;B&lt;/i&gt;")
        );
        assert!(mail.html.contains(&format!("href=\"{PUBLIC_URL}/directory/42\"")));
        assert!(mail.text.contains("replying to this e-mail reaches nobody"));
        let sharing = Relayed { reply_to: Some("mallory@example.com"), ..relayed };
        let shared = relayed_message(Language::English, &named("Canal"), &sharing);
        assert_eq!(shared.reply_to.as_deref(), Some("mallory@example.com"));
        assert!(shared.text.contains("your reply goes to their address"));
        assert!(!shared.text.contains("bob@example.com") && !shared.html.contains("bob@example.com"));
        for lang in Language::all() {
            let mail = relayed_message(lang, &named("Canal"), &sharing);
            assert!(mail.html.contains(&format!("<html lang=\"{}\">", lang.code())), "{}", mail.html);
            assert!(!mail.text.contains("mail-"), "a message id, not words: {}", mail.text);
        }
    }
}
