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
use crate::domain::photo::{self, PhotoKind};
use crate::domain::profile::Location;
use crate::service::AppState;
use crate::store::{MemberQuery, NewMember};

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

/// The most seeded members `--photos` gives a portrait, per run.
pub const MAX_PHOTOS: usize = 1000;

/// Gives the seeded members of this run at the location (`random_seed`'s addresses) a
/// portrait each, through the photo pipeline (at most [`MAX_PHOTOS`], in name order):
/// the directory then shows faces, as a real one would. Returns how many.
pub async fn add_photos(app: &AppState, location_name: &str, random_seed: u64) -> ServiceResult<usize> {
    let location = location_named(app, location_name).await?;
    let query = MemberQuery {
        search: Some(format!("@s{random_seed}.seed.example")),
        location_id: Some(location.id),
        limit: MAX_PHOTOS as i64,
        ..MemberQuery::default()
    };
    let rows = app.store.find_members(&query).await?.rows;
    for row in &rows {
        let profile_id = row.profile_id;
        let photo = tokio::task::spawn_blocking(move || {
            photo::process(&portrait_png(random_seed, profile_id.unsigned_abs() as usize), PhotoKind::Avatar)
        })
        .await
        .map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))?
        .map_err(|problem| {
            ServiceError::Internal(anyhow::anyhow!("a seeded portrait: {}", problem.message))
        })?;
        app.store.save_photo(profile_id, PhotoKind::Avatar, &photo, app.clock.now()).await?;
    }
    Ok(rows.len())
}

/// A simple portrait, as PNG: head and shoulders in colours of their own on a background of
/// its own, the same for the same seed and index. Drawn at twice the avatar's size, so the
/// photo pipeline's downscaling smooths its edges.
pub fn portrait_png(random_seed: u64, index: usize) -> Vec<u8> {
    const BACKGROUNDS: [[u8; 3]; 8] = [
        [214, 228, 240],
        [240, 222, 206],
        [222, 236, 218],
        [236, 220, 236],
        [248, 236, 204],
        [212, 232, 232],
        [230, 226, 244],
        [244, 214, 214],
    ];
    const SKIN: [[u8; 3]; 6] =
        [[255, 219, 180], [241, 194, 150], [224, 172, 125], [198, 134, 90], [141, 85, 54], [96, 60, 38]];
    const HAIR: [[u8; 3]; 6] =
        [[40, 30, 25], [85, 55, 35], [150, 100, 50], [205, 170, 110], [120, 120, 120], [25, 25, 30]];
    const CLOTHES: [[u8; 3]; 8] = [
        [40, 70, 120],
        [150, 50, 60],
        [40, 110, 90],
        [60, 60, 70],
        [200, 120, 40],
        [100, 60, 130],
        [30, 120, 160],
        [170, 170, 175],
    ];
    let mut rng = StdRng::seed_from_u64(random_seed.wrapping_mul(1_000_003).wrapping_add(index as u64));
    let mut pick = |n: usize| rng.random_range(0..n);
    let (background, skin, hair, clothes) = (pick(8), pick(6), pick(6), pick(8));
    // Brown hair would melt into the darkest skins: black, then.
    let hair = if skin >= 4 && (1..=2).contains(&hair) { 5 } else { hair };
    let (background, skin, hair_colour, clothes) =
        (BACKGROUNDS[background], SKIN[skin], HAIR[hair], CLOTHES[clothes]);
    let long_hair = pick(2) == 0;
    let size = 800.0_f32;
    let picture = image::RgbImage::from_fn(800, 800, |x, y| {
        let (x, y) = (x as f32 / size, y as f32 / size);
        let inside =
            |cx: f32, cy: f32, rx: f32, ry: f32| ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0;
        let head = inside(0.5, 0.47, 0.17, 0.21);
        let face = head && inside(0.5, 0.54, 0.165, 0.19);
        let hair = if long_hair {
            inside(0.5, 0.5, 0.215, 0.28) && y < 0.7
        } else {
            inside(0.5, 0.44, 0.19, 0.21) && y < 0.52
        };
        let colour = if face {
            skin
        } else if hair {
            hair_colour
        } else if head || ((0.44..=0.56).contains(&x) && (0.6..=0.78).contains(&y)) {
            skin
        } else if inside(0.5, 1.05, 0.4, 0.33) {
            clothes
        } else {
            background
        };
        image::Rgb(colour)
    });
    let mut png = std::io::Cursor::new(Vec::new());
    // Encoding pixels of a size made here cannot fail but for a bug.
    let _ = picture.write_to(&mut png, image::ImageFormat::Png);
    png.into_inner()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portraits_are_the_same_for_the_same_member_and_differ_between_members() {
        let first = portrait_png(7, 1);
        assert_eq!(first, portrait_png(7, 1));
        let others: Vec<Vec<u8>> = (2..6).map(|index| portrait_png(7, index)).collect();
        assert!(others.iter().all(|other| *other != first));
        let photo = photo::process(&first, PhotoKind::Avatar).expect("the pipeline takes it");
        assert_eq!(image::load_from_memory(&photo.jpeg).expect("jpeg").width(), 400);
    }
}
