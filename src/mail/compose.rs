//! The messages Portico sends: plain text with a simple HTML part, in the location's name
//! and the reader's language (the words are in `locales/*/mail.ftl`).
//! Names and addresses come from members, so the HTML part escapes them (maud); a link is
//! the only thing a message asks its reader to use.
//!
//! A message is queued with [`PUBLIC_URL`] where its links' public address goes, and made
//! whole by [`with_public_url`] when it is sent or shown: the process that writes it (the
//! CLI, say) need not know where members reach Portico.

use maud::{DOCTYPE, Markup, html};

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
    }
}

/// The words of one message, in its reader's language: a greeting, paragraphs, an
/// optional link with its button text, and a closing note.
struct Letter<'a> {
    lang: Language,
    location: &'a str,
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
        text.push_str(&format!("{}\n\n{}\n", self.closing, self.location));
        NewMail {
            to: to.to_string(),
            subject: format!("{}: {subject}", self.location),
            text,
            html: self.html().into_string(),
        }
    }

    fn html(&self) -> Markup {
        html! {
            (DOCTYPE)
            html lang=(self.lang.code()) { body style="font-family: sans-serif; line-height: 1.5; max-width: 36rem" {
                p { (self.greeting) }
                @for paragraph in &self.paragraphs { p { (paragraph) } }
                @if let Some((url, label)) = &self.link {
                    p { a href=(url) style="display: inline-block; padding: .6rem 1rem; background: #0b57a4; color: #fff; text-decoration: none; border-radius: 4px" { (label) } }
                    p style="font-size: .9rem; color: #555" { (tr!(self.lang, "mail-open-address")) " " (url) }
                }
                p { (self.closing) }
                p { (self.location) }
            } }
        }
    }
}

pub fn invitation(
    lang: Language,
    to: &str,
    full_name: &str,
    location: &str,
    link: &str,
    valid_days: i64,
) -> NewMail {
    Letter {
        lang,
        location,
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

pub fn password_reset(lang: Language, to: &str, location: &str, link: &str) -> NewMail {
    Letter {
        lang,
        location,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![tr!(lang, "mail-reset-asked"), tr!(lang, "mail-reset-choose")],
        link: Some((link, tr!(lang, "mail-reset-button"))),
        closing: tr!(lang, "mail-reset-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-reset-subject"))
}

pub fn sign_in_link(lang: Language, to: &str, location: &str, link: &str) -> NewMail {
    Letter {
        lang,
        location,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![tr!(lang, "mail-sign-in-asked"), tr!(lang, "mail-sign-in-use")],
        link: Some((link, tr!(lang, "mail-sign-in-button"))),
        closing: tr!(lang, "mail-sign-in-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-sign-in-subject"))
}

pub fn email_change_confirmation(lang: Language, to: &str, location: &str, link: &str) -> NewMail {
    Letter {
        lang,
        location,
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
    location: &str,
    new_email: &str,
    undo_link: &str,
) -> NewMail {
    Letter {
        lang,
        location,
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

pub fn address_in_use(lang: Language, to: &str, location: &str) -> NewMail {
    Letter {
        lang,
        location,
        greeting: tr!(lang, "mail-greeting"),
        paragraphs: vec![tr!(lang, "mail-in-use-asked"), tr!(lang, "mail-in-use-nothing")],
        link: None,
        closing: tr!(lang, "mail-in-use-closing"),
    }
    .into_mail(to, &tr!(lang, "mail-in-use-subject"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_the_link_in_both_parts_and_escapes_names_in_html() {
        let mail = invitation(
            Language::English,
            "ann@example.com",
            "Ann <b>Bold</b>",
            "Canal & Co",
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
        let reset =
            password_reset(Language::English, "ann@example.com", "Canal", "https://p.example/reset?token=x");
        assert!(
            reset.text.contains("https://p.example/reset?token=x")
                && reset.subject.ends_with("reset your password")
        );
    }

    #[test]
    fn every_message_is_written_in_each_language() {
        for lang in Language::all() {
            let mails = [
                invitation(lang, "a@example.com", "Ann", "Canal", "https://p/welcome?token=t", 7),
                password_reset(lang, "a@example.com", "Canal", "https://p/reset?token=t"),
                sign_in_link(lang, "a@example.com", "Canal", "https://p/signin/link?token=t"),
                email_change_confirmation(lang, "a@example.com", "Canal", "https://p/confirm-email?token=t"),
                email_change_notice(
                    lang,
                    "a@example.com",
                    "Canal",
                    "b@example.com",
                    "https://p/undo-email?token=t",
                ),
                address_in_use(lang, "a@example.com", "Canal"),
            ];
            for mail in mails {
                assert!(mail.subject.starts_with("Canal: ") && mail.text.contains("Canal"), "{mail:?}");
                assert!(mail.html.contains(&format!("<html lang=\"{}\">", lang.code())), "{}", mail.html);
                assert!(!mail.text.contains("mail-"), "a message id, not words: {}", mail.text);
            }
        }
        let german = invitation(Language::German, "a@example.com", "Ann", "Canal", "https://p/w", 7);
        assert!(german.text.contains("Hallo Ann,") && german.text.contains("7 Tage"), "{}", german.text);
    }

    #[test]
    fn the_sender_puts_its_public_url_in_the_links_escaped_in_html() {
        let queued = sign_in_link(
            Language::English,
            "ann@example.com",
            "Canal",
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
}
