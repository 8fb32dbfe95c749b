//! `portico seed`: realistic fake members at a location, for trying Portico out, tests and
//! benchmarks. The same random seed gives the same members, so runs are comparable.
//!
//! Every seeded member has the password [`SEED_PASSWORD`], hashed once; the e-mail
//! addresses are under `seed.example`, a domain that can never receive mail.

use std::time::{Duration, Instant};

use fake::Fake;
use fake::faker::company::en::{Bs, CatchPhrase, CompanyName, Industry};
use fake::faker::job::en::Title;
use fake::faker::lorem::en::Sentence;
use fake::faker::name::en::{FirstName, LastName};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use secrecy::SecretString;
use serde_json::Value;

use super::error::{ServiceError, ServiceResult};
use super::operator;
use super::session::ClientInfo;
use crate::domain::catalogue::FieldValue;
use crate::domain::fields::email_key;
use crate::domain::markdown::RenderedBio;
use crate::domain::patch::{self, Field, ProfilePatch};
use crate::domain::profile::Location;
use crate::service::AppState;
use crate::store::NewMember;

/// What every seeded member signs in with.
pub const SEED_PASSWORD: &str = "seeded-Member-2026";
/// Members written per transaction.
const CHUNK: usize = 5000;
/// What coworkers tag themselves with; earlier tags are picked more often, as in life.
pub const TAGS: [&str; 40] = [
    "design",
    "marketing",
    "software",
    "startups",
    "ux",
    "writing",
    "photography",
    "consulting",
    "sales",
    "finance",
    "rust",
    "python",
    "data",
    "ai",
    "product",
    "research",
    "video",
    "events",
    "legal",
    "architecture",
    "sustainability",
    "education",
    "health",
    "ecommerce",
    "music",
    "devops",
    "security",
    "mobile",
    "web",
    "coaching",
    "translation",
    "accounting",
    "hr",
    "gaming",
    "nonprofit",
    "travel",
    "food",
    "fashion",
    "real estate",
    "blockchain",
];

/// What a seed run did.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub location: String,
    pub members: usize,
    pub elapsed: Duration,
}

/// Adds `count` fake members at the location named `location_name` (created if missing).
pub async fn seed(
    app: &AppState,
    location_name: &str,
    count: usize,
    random_seed: u64,
) -> ServiceResult<SeedReport> {
    let started = Instant::now();
    let location = location_named(app, location_name).await?;
    let permit = app.hasher.admit(&ClientInfo::default().cancelled)?;
    let password_hash = permit.hash(&SecretString::from(SEED_PASSWORD)).await?;
    // The next chunk is made on a thread of its own while the store writes this one.
    let (chunks, mut ready) = tokio::sync::mpsc::channel::<ServiceResult<Vec<NewMember>>>(1);
    let (location_id, today) = (location.id, app.clock.today());
    let maker_app = app.clone();
    let maker = tokio::task::spawn_blocking(move || {
        let mut rng = generator(random_seed);
        for start in (0..count).step_by(CHUNK) {
            let chunk = (start..count.min(start + CHUNK))
                .map(|index| {
                    let mut member =
                        fake_member(&mut rng, location_id, &password_hash, random_seed, index, today)?;
                    member.summary_html = rendered_bio(&maker_app, &member)?;
                    Ok(member)
                })
                .collect();
            if chunks.blocking_send(chunk).is_err() {
                return;
            }
        }
    });
    let mut written = 0;
    while let Some(chunk) = ready.recv().await {
        let chunk = chunk?;
        app.store.add_members(&chunk, app.clock.now()).await.map_err(|error| match error {
            crate::store::StoreError::Conflict(_) => ServiceError::Invalid(format!(
                "these members were already seeded at {}: use another --seed",
                location.name
            )),
            other => other.into(),
        })?;
        written += chunk.len();
    }
    maker.await.map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))?;
    Ok(SeedReport { location: location.name, members: written, elapsed: started.elapsed() })
}

async fn location_named(app: &AppState, name: &str) -> ServiceResult<Location> {
    let locations = app.store.locations().await?;
    match locations.into_iter().find(|l| l.name.eq_ignore_ascii_case(name.trim())) {
        Some(location) => Ok(location),
        None => operator::add_location(app, name, "GB").await,
    }
}

/// The random source of a seed run.
pub fn generator(random_seed: u64) -> StdRng {
    StdRng::seed_from_u64(random_seed)
}

/// The `index`th fake member of a seed run (`rng` from [`generator`], members made in order).
pub fn fake_member(
    rng: &mut StdRng,
    location_id: i64,
    password_hash: &str,
    random_seed: u64,
    index: usize,
    today: time::Date,
) -> ServiceResult<NewMember> {
    let (first, last): (String, String) = (FirstName().fake_with_rng(rng), LastName().fake_with_rng(rng));
    let company: String = CompanyName().fake_with_rng(rng);
    let email = format!("{}.{}.{index}@s{random_seed}.seed.example", ascii(&first), ascii(&last));
    let full_name = format!("{first} {last}");
    let summary = format!(
        "{}. I help teams **{}**. {}",
        CatchPhrase().fake_with_rng::<String, _>(rng),
        Bs().fake_with_rng::<String, _>(rng),
        Sentence(6..14).fake_with_rng::<String, _>(rng)
    );
    let values = [
        (Field::Position, Value::from(Title().fake_with_rng::<String, _>(rng))),
        (Field::CompanyName, Value::from(company.clone())),
        (Field::BusinessArea, Value::from(Industry().fake_with_rng::<String, _>(rng))),
        (Field::ProfileSummary, Value::from(summary)),
        (Field::ProfileWebsite, Value::from(format!("https://{}.example", ascii(&company)))),
        (Field::ProfileTags, Value::from(tags(rng).join(", "))),
        (Field::ProfileIsPublic, Value::from(rng.random_bool(0.85))),
    ];
    let mut fields = ProfilePatch::default();
    for (field, value) in values {
        let change = patch::parse_value(field, &value, today).map_err(|problem| {
            ServiceError::Internal(anyhow::anyhow!("seeded {field:?}: {}", problem.message))
        })?;
        fields.set(field, change);
    }
    Ok(NewMember {
        email_key: email_key(&email),
        email,
        password_hash: password_hash.to_string(),
        full_name,
        location_id,
        fields,
        summary_html: None,
    })
}

/// The HTML of a seeded member's bio, rendered here (the maker's own thread).
pub fn rendered_bio(app: &AppState, member: &NewMember) -> ServiceResult<Option<RenderedBio>> {
    let Some(markdown) = member.fields.iter().find_map(|(field, value)| match (field, value) {
        (Field::ProfileSummary, Some(FieldValue::Text(text))) => Some(text.clone()),
        _ => None,
    }) else {
        return Ok(None);
    };
    super::bio::render_here(app, &markdown)
        .map(Some)
        .map_err(|problem| ServiceError::Internal(anyhow::anyhow!("seeded bio: {}", problem.message)))
}

/// Two to five different tags, the common ones more often.
pub fn tags(rng: &mut StdRng) -> Vec<&'static str> {
    let wanted = rng.random_range(2..=5);
    let mut picked: Vec<&'static str> = Vec::with_capacity(wanted);
    while picked.len() < wanted {
        let skewed: f64 = rng.random::<f64>().powi(2);
        let tag = TAGS[((skewed * TAGS.len() as f64) as usize).min(TAGS.len() - 1)];
        if !picked.contains(&tag) {
            picked.push(tag);
        }
    }
    picked
}

/// Lower-case ASCII letters and digits only: for e-mail local parts and host names.
fn ascii(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}
