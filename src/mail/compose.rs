//! The messages Portico sends: plain text with a simple HTML part, in the location's name.
//! Names and addresses come from members, so the HTML part escapes them (maud); a link is
//! the only thing a message asks its reader to use.
//!
//! A message is queued with [`PUBLIC_URL`] where its links' public address goes, and made
//! whole by [`with_public_url`] when it is sent or shown: the process that writes it (the
//! CLI, say) need not know where members reach Portico.

use maud::{DOCTYPE, Markup, html};

use crate::domain::mail::NewMail;

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

/// The words of one message: a greeting, paragraphs, an optional link with its button text,
/// and a closing note.
struct Letter<'a> {
    location: &'a str,
    greeting: String,
    paragraphs: Vec<String>,
    link: Option<(&'a str, &'a str)>,
    closing: &'a str,
}

impl Letter<'_> {
    fn into_mail(self, to: &str, subject: &str) -> NewMail {
        let mut text = format!("{}\n\n", self.greeting);
        for paragraph in &self.paragraphs {
            text.push_str(&format!("{paragraph}\n\n"));
        }
        if let Some((url, _)) = self.link {
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
            html { body style="font-family: sans-serif; line-height: 1.5; max-width: 36rem" {
                p { (self.greeting) }
                @for paragraph in &self.paragraphs { p { (paragraph) } }
                @if let Some((url, label)) = self.link {
                    p { a href=(url) style="display: inline-block; padding: .6rem 1rem; background: #0b57a4; color: #fff; text-decoration: none; border-radius: 4px" { (label) } }
                    p style="font-size: .9rem; color: #555" { "Or open this address: " (url) }
                }
                p { (self.closing) }
                p { (self.location) }
            } }
        }
    }
}

pub fn invitation(to: &str, full_name: &str, location: &str, link: &str, valid_days: i64) -> NewMail {
    Letter {
        location,
        greeting: format!("Hello {full_name},"),
        paragraphs: vec![
            format!("You have been invited to the member portal of {location}."),
            format!("Choose your password to sign in. The link works once, for {valid_days} days."),
        ],
        link: Some((link, "Choose your password")),
        closing: "If you did not expect this invitation, you can ignore this message.",
    }
    .into_mail(to, "your invitation")
}

pub fn password_reset(to: &str, location: &str, link: &str) -> NewMail {
    Letter {
        location,
        greeting: "Hello,".into(),
        paragraphs: vec![
            "Someone asked to reset the password of your account; we hope it was you.".into(),
            "Choose a new password with this link. It works once, for one hour, and signs you out everywhere."
                .into(),
        ],
        link: Some((link, "Choose a new password")),
        closing: "If you did not ask for this, ignore this message: your password stays as it is.",
    }
    .into_mail(to, "reset your password")
}

pub fn sign_in_link(to: &str, location: &str, link: &str) -> NewMail {
    Letter {
        location,
        greeting: "Hello,".into(),
        paragraphs: vec![
            "Someone asked for a link to sign in without your password; we hope it was you.".into(),
            "Sign in with this link. It works once, for 15 minutes.".into(),
        ],
        link: Some((link, "Sign in")),
        closing: "If you did not ask for this, ignore this message: nobody can sign in without the link.",
    }
    .into_mail(to, "your sign-in link")
}

pub fn email_change_confirmation(to: &str, location: &str, link: &str) -> NewMail {
    Letter {
        location,
        greeting: "Hello,".into(),
        paragraphs: vec![
            "You asked to sign in with this address from now on.".into(),
            "Confirm it with this link, which works once, for 24 hours. Until then your old address stays in use."
                .into(),
        ],
        link: Some((link, "Confirm this address")),
        closing: "If you did not ask for this, ignore this message: nothing changes.",
    }
    .into_mail(to, "confirm your new e-mail address")
}

pub fn email_change_notice(to: &str, location: &str, new_email: &str, undo_link: &str) -> NewMail {
    Letter {
        location,
        greeting: "Hello,".into(),
        paragraphs: vec![
            format!("Someone signed in to your account asked to change its e-mail address to {new_email}."),
            "If it was not you, undo it with this link within 7 days: your address is put back and every session of your account ends."
                .into(),
        ],
        link: Some((undo_link, "This was not me: undo")),
        closing: "If it was you, there is nothing to do.",
    }
    .into_mail(to, "your e-mail address is being changed")
}

pub fn address_in_use(to: &str, location: &str) -> NewMail {
    Letter {
        location,
        greeting: "Hello,".into(),
        paragraphs: vec![
            "Someone asked to use this address for an account, but it already belongs to one: yours.".into(),
            "Nothing was changed. If you did not expect this, you can ignore this message.".into(),
        ],
        link: None,
        closing: "Nothing to do.",
    }
    .into_mail(to, "this address is already in use")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_the_link_in_both_parts_and_escapes_names_in_html() {
        let mail = invitation(
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
        let reset = password_reset("ann@example.com", "Canal", "https://p.example/reset?token=x");
        assert!(
            reset.text.contains("https://p.example/reset?token=x")
                && reset.subject.ends_with("reset your password")
        );
    }

    #[test]
    fn the_sender_puts_its_public_url_in_the_links_escaped_in_html() {
        let queued = sign_in_link("ann@example.com", "Canal", &format!("{PUBLIC_URL}/signin/link?token=abc"));
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
