//! The member directory, in PostgreSQL: `directory_words` (one row per distinct word of a
//! public profile, with its weight and the name ranking sorts by) for search, and
//! `directory_index` (one row per public profile for the whole directory, tag `''`, and
//! one per tag) for listings; both rewritten in the transaction of every write that
//! changes what the directory shows or finds.

use crate::store::shared::LISTED;
use std::fmt::Write as _;

use sqlx::{PgConnection, PgPool, Row};

use crate::domain::catalogue::Field;
use crate::domain::directory::{self, DirectoryHits, DirectoryOrder, RESULT_WINDOW, SearchCandidate};
use crate::domain::fields::split_tags;
use crate::domain::markdown::RenderedBio;
use crate::store::shared;
use crate::store::{DirectoryProfile, StaleBio, StoreResult};

/// What the directory indexes of a public profile.
struct IndexedProfile {
    id: i64,
    location_id: i64,
    full_name: String,
    texts: Vec<(Field, Option<String>)>,
}

const INDEXED_COLUMNS: &str =
    "id, location_id, full_name, profile_tags, company_name, position, business_area, profile_summary";

impl IndexedProfile {
    fn from_row(row: &sqlx::postgres::PgRow) -> StoreResult<Self> {
        let fields = [
            Field::ProfileTags,
            Field::CompanyName,
            Field::Position,
            Field::BusinessArea,
            Field::ProfileSummary,
        ];
        let texts = fields
            .into_iter()
            .enumerate()
            .map(|(index, field)| Ok((field, row.try_get::<Option<String>, _>(index + 3)?)))
            .collect::<StoreResult<_>>()?;
        Ok(IndexedProfile {
            id: row.try_get(0)?,
            location_id: row.try_get(1)?,
            full_name: row.try_get(2)?,
            texts,
        })
    }

    fn text(&self, field: Field) -> Option<&str> {
        if field == Field::FullName {
            return Some(&self.full_name);
        }
        self.texts.iter().find(|(f, _)| *f == field).and_then(|(_, text)| text.as_deref())
    }
}

/// Brings the directory's entries for one profile in line with its stored row.
pub async fn sync(c: &mut PgConnection, profile_id: i64) -> StoreResult<()> {
    for table in ["directory_index", "directory_words"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("delete from {table} where profile_id = $1")))
            .bind(profile_id)
            .execute(&mut *c)
            .await?;
    }
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {INDEXED_COLUMNS} from profiles where id = $1 and {LISTED}"
    )))
    .bind(profile_id)
    .fetch_optional(&mut *c)
    .await?;
    let Some(profile) = row.as_ref().map(IndexedProfile::from_row).transpose()? else {
        return Ok(());
    };
    let mut keys: Vec<String> = vec![String::new()];
    let tags = profile.text(Field::ProfileTags).map(split_tags).unwrap_or_default();
    keys.extend(tags.into_iter().map(directory::tag_key));
    sqlx::query(
        "insert into directory_index (location_id, tag, name_key, profile_id) \
         select $1, tag, $3, $4 from unnest($2::text[]) as tag on conflict do nothing",
    )
    .bind(profile.location_id)
    .bind(&keys)
    .bind(directory::name_key(&profile.full_name))
    .bind(profile_id)
    .execute(&mut *c)
    .await?;
    insert_words(c, &[profile]).await
}

/// Writes the search words of profiles that have none yet.
async fn insert_words(c: &mut PgConnection, profiles: &[IndexedProfile]) -> StoreResult<()> {
    let (mut locations, mut words, mut ids, mut weights, mut names) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for profile in profiles {
        let name_key = directory::name_key(&profile.full_name);
        for (word, weight) in directory::word_weights(|field| profile.text(field)) {
            locations.push(profile.location_id);
            words.push(word);
            ids.push(profile.id);
            weights.push(i16::try_from(weight).unwrap_or(i16::MAX));
            names.push(name_key.clone());
        }
    }
    sqlx::query(
        "insert into directory_words (location_id, word, profile_id, weight, name_key) \
         select * from unnest($1::int8[], $2::text[], $3::int8[], $4::int2[], $5::text[])",
    )
    .bind(&locations)
    .bind(&words)
    .bind(&ids)
    .bind(&weights)
    .bind(&names)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Finishes the migration that added `directory_words`: cuts the words of every public
/// profile, once, whichever node gets there first (the others wait on the step's row and
/// then find it gone).
pub async fn finish_upgrade(pool: &PgPool) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let pending = sqlx::query("delete from store_upgrades where step = 'directory_words' returning step")
        .fetch_optional(&mut *tx)
        .await?;
    if pending.is_some() {
        let mut after = 0_i64;
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "select {INDEXED_COLUMNS} from profiles where {LISTED} and id > $1 order by id limit 5000"
            )))
            .bind(after)
            .fetch_all(&mut *tx)
            .await?;
            let profiles = rows.iter().map(IndexedProfile::from_row).collect::<StoreResult<Vec<_>>>()?;
            let Some(last) = profiles.last() else { break };
            after = last.id;
            insert_words(&mut tx, &profiles).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The public profiles at the location, in name order, optionally with one tag.
pub async fn list(
    pool: &PgPool,
    location_id: i64,
    tag: &str,
    order: DirectoryOrder,
    offset: u64,
    limit: u64,
) -> StoreResult<DirectoryHits> {
    let sql = format!(
        "select profile_id from directory_index where location_id = $1 and tag = $2 \
         order by {} limit $3 offset $4",
        shared::directory_order(order)
    );
    let profile_ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(location_id)
        .bind(tag)
        .bind(shared::as_sql(limit))
        .bind(shared::as_sql(offset))
        .fetch_all(pool)
        .await?;
    let total: i64 = sqlx::query_scalar(
        "select count(*) from (select 1 from directory_index where location_id = $1 and tag = $2 limit $3) t",
    )
    .bind(location_id)
    .bind(tag)
    .bind(shared::as_sql(RESULT_WINDOW))
    .fetch_one(pool)
    .await?;
    Ok(DirectoryHits { profile_ids, total: u64::try_from(total).unwrap_or_default() })
}

/// The first [`RESULT_WINDOW`] public profiles at the location that have every word and
/// the tag, if one is given, in index order: the first rows of the rarest word's range, each
/// found in the other words' ranges (the planner picks the order from the words' statistics).
pub async fn search(
    pool: &PgPool,
    location_id: i64,
    words: &[String],
    tag: Option<&str>,
) -> StoreResult<Vec<SearchCandidate>> {
    let Some(first) = words.first() else { return Ok(Vec::new()) };
    let sql = search_sql(words.len(), tag.is_some());
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(location_id).bind(first);
    for word in &words[1..] {
        query = query.bind(word);
    }
    if let Some(tag) = tag {
        query = query.bind(tag);
    }
    // Planned for these words each time: a plan cached for other words could start from
    // the most common one.
    let rows = query.bind(shared::as_sql(RESULT_WINDOW)).persistent(words.len() == 1).fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            Ok(SearchCandidate {
                profile_id: row.try_get(0)?,
                name_key: row.try_get(1)?,
                relevance: u32::try_from(row.try_get::<i64, _>(2)?).unwrap_or_default(),
            })
        })
        .collect()
}

/// `$1` the location, `$2`… the words, then the tag if there is one, then the limit.
fn search_sql(word_count: usize, with_tag: bool) -> String {
    let mut relevance = String::from("w0.weight::int8");
    let mut joins = String::new();
    for i in 1..word_count {
        let _ = write!(relevance, " + w{i}.weight");
        let _ = write!(
            joins,
            " join directory_words w{i} on w{i}.location_id = $1 and w{i}.word = ${} and w{i}.profile_id = w0.profile_id",
            i + 2
        );
    }
    let mut next = word_count + 2;
    let mut sql = format!(
        "select w0.profile_id, w0.name_key, {relevance} from directory_words w0{joins} \
         where w0.location_id = $1 and w0.word = $2"
    );
    if with_tag {
        let _ = write!(
            sql,
            " and exists (select 1 from directory_index t where t.location_id = $1 and t.tag = ${next} \
             and t.name_key = w0.name_key and t.profile_id = w0.profile_id)"
        );
        next += 1;
    }
    let _ = write!(sql, " limit ${next}");
    sql
}

/// Those of the profiles that are public at the location, with their bios' HTML.
pub async fn public_profiles(
    pool: &PgPool,
    location_id: i64,
    profile_ids: &[i64],
) -> StoreResult<Vec<DirectoryProfile>> {
    let sql = format!(
        "select {}, p.profile_summary_html, p.profile_summary_render from profiles p \
         join users u on u.id = p.user_id where p.id = any($1) and p.location_id = $2 and p.profile_is_public \
         and p.active and u.active",
        shared::profile_columns()
    );
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile_ids).bind(location_id).fetch_all(pool).await?;
    rows.iter().map(shared::directory_profile_from).collect()
}

/// Bios without HTML rendered under `render_key`, in profile order after `after`.
pub async fn stale_bios(
    pool: &PgPool,
    render_key: &str,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<StaleBio>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "select id, profile_summary from profiles where id > $1 and profile_summary is not null \
         and (profile_summary_render is null or profile_summary_render <> $2) order by id limit $3",
    )
    .bind(after)
    .bind(render_key)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(profile_id, markdown)| StaleBio { profile_id, markdown }).collect())
}

/// Stores a bio's HTML if the bio is still the one rendered.
pub async fn save_bio_html(pool: &PgPool, bio: &StaleBio, html: &RenderedBio) -> StoreResult<bool> {
    let saved = sqlx::query(
        "update profiles set profile_summary_html = $1, profile_summary_render = $2 \
         where id = $3 and profile_summary = $4",
    )
    .bind(&html.html)
    .bind(&html.render_key)
    .bind(bio.profile_id)
    .bind(&bio.markdown)
    .execute(pool)
    .await?;
    Ok(saved.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::search_sql;

    #[test]
    fn each_further_word_and_the_tag_take_the_next_parameters() {
        assert_eq!(
            search_sql(1, false),
            "select w0.profile_id, w0.name_key, w0.weight::int8 from directory_words w0 \
             where w0.location_id = $1 and w0.word = $2 limit $3"
        );
        let sql = search_sql(3, true);
        assert!(sql.contains("w0.weight::int8 + w1.weight + w2.weight from"), "{sql}");
        assert!(sql.contains("w1.word = $3 and w1.profile_id = w0.profile_id"), "{sql}");
        assert!(sql.contains("w2.word = $4 and w2.profile_id = w0.profile_id"), "{sql}");
        assert!(sql.contains("t.tag = $5") && sql.ends_with("limit $6"), "{sql}");
    }
}
