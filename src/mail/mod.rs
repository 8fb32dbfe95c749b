//! Mail: the messages Portico writes (`compose`) and the SMTP client that delivers them
//! from the outbox (`service::outbox` runs the sending).

pub mod compose;

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use crate::domain::mail::NewMail;

/// How mail leaves: `PORTICO_SMTP_URL` and friends. Without a URL, mail stays in the outbox.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:25`, `smtp://user:password@host:587?tls=required`, `smtps://host:465`.
    pub smtp_url: Option<SecretString>,
    /// The password, when it is not in the URL.
    pub smtp_password: Option<SecretString>,
    /// `Portico <portico@example.com>`.
    pub from: String,
    /// The first retry waits this long, each next one twice as long, up to an hour.
    pub retry_base: Duration,
    /// How often the sender looks for due mail.
    pub poll: Duration,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp_url: None,
            smtp_password: None,
            from: "Portico <portico@localhost>".into(),
            retry_base: Duration::from_secs(30),
            poll: Duration::from_secs(2),
        }
    }
}

/// Sends one message at a time over SMTP.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `None` when no SMTP server is configured.
    pub fn new(settings: &MailSettings) -> anyhow::Result<Option<Mailer>> {
        let Some(url) = &settings.smtp_url else { return Ok(None) };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|e| anyhow::anyhow!("PORTICO_SMTP_URL is not an SMTP URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)));
        if let Some(password) = &settings.smtp_password {
            let user =
                url::Url::parse(url.expose_secret()).map(|u| u.username().to_string()).unwrap_or_default();
            builder = builder.credentials(Credentials::new(user, password.expose_secret().to_string()));
        }
        let from = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("PORTICO_MAIL_FROM {:?}: {e}", settings.from))?;
        Ok(Some(Mailer { transport: builder.build(), from }))
    }

    /// Delivers `mail`; the error says why not, without the message's content.
    pub async fn send(&self, mail: &NewMail) -> Result<(), SendError> {
        let to = recipient(&mail.to).map_err(SendError::Permanent)?;
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(&mail.subject);
        // A relayed message's writer agreed that replies go to them (checked when queued).
        if let Some(reply_to) = mail.reply_to.as_deref().and_then(|address| address.parse::<Mailbox>().ok()) {
            builder = builder.reply_to(reply_to);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
            .map_err(|e| SendError::Permanent(format!("the message could not be built: {e}")))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| {
            let text = format!("SMTP: {e}");
            if e.is_permanent() { SendError::Permanent(text) } else { SendError::Transient(text) }
        })
    }
}

/// Why a message was not sent: worth trying again later, or never.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server was unreachable or answered "try later" (4xx).
    Transient(String),
    /// The address cannot be mailed, or the server refused the message for good (5xx).
    Permanent(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Transient(text) | SendError::Permanent(text) => f.write_str(text),
        }
    }
}

/// The address as the mailer sends to it.
pub fn recipient(address: &str) -> Result<Mailbox, String> {
    address.parse().map_err(|e| format!("the recipient is not an address: {e}"))
}
