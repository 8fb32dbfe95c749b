//! The member directory, in PostgreSQL: the generated `profiles.directory_search` vector
//! under a GIN index for search, and `directory_index` (one row per public profile for the
//! whole directory, tag `''`, and one per tag) for listings, rewritten in the transaction of
//! every write that changes the name, the tags or the visibility.

use sqlx::{PgConnection, PgPool};

use crate::domain::directory::{self, DirectoryHits, RESULT_WINDOW, SearchCandidate};
use crate::domain::fields::split_tags;
use crate::domain::profile::Profile;
use crate::store::StoreResult;
use crate::store::columns::{self, SEARCH_CANDIDATE_COLUMNS};

/// Brings the directory's listing entries for one profile in line with its stored row.
pub async fn sync(c: &mut PgConnection, profile_id: i64) -> StoreResult<()> {
    sqlx::query("delete from directory_index where profile_id = $1")
        .bind(profile_id)
        .execute(&mut *c)
        .await?;
    let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
        "select location_id, full_name, profile_tags from profiles where id = $1 and profile_is_public",
    )
    .bind(profile_id)
    .fetch_optional(&mut *c)
    .await?;
    let Some((location_id, full_name, tags)) = row else {
        return Ok(());
    };
    let mut keys: Vec<String> = vec![String::new()];
    keys.extend(tags.as_deref().map(split_tags).unwrap_or_default().into_iter().map(directory::tag_key));
    sqlx::query(
        "insert into directory_index (location_id, tag, name_key, profile_id) \
         select $1, tag, $3, $4 from unnest($2::text[]) as tag on conflict do nothing",
    )
    .bind(location_id)
    .bind(&keys)
    .bind(directory::name_key(&full_name))
    .bind(profile_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The public profiles at the location, in name order, optionally with one tag.
pub async fn list(
    pool: &PgPool,
    location_id: i64,
    tag: &str,
    offset: u64,
    limit: u64,
) -> StoreResult<DirectoryHits> {
    let profile_ids: Vec<i64> = sqlx::query_scalar(
        "select profile_id from directory_index where location_id = $1 and tag = $2 \
         order by name_key, profile_id limit $3 offset $4",
    )
    .bind(location_id)
    .bind(tag)
    .bind(as_sql(limit))
    .bind(as_sql(offset))
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "select count(*) from (select 1 from directory_index where location_id = $1 and tag = $2 limit $3) t",
    )
    .bind(location_id)
    .bind(tag)
    .bind(as_sql(RESULT_WINDOW))
    .fetch_one(pool)
    .await?;
    Ok(DirectoryHits { profile_ids, total: u64::try_from(total).unwrap_or_default() })
}

/// The first [`RESULT_WINDOW`] public profiles at the location that have every word and
/// the tag, if one is given, in index order.
pub async fn search(
    pool: &PgPool,
    location_id: i64,
    words: &[String],
    tag: Option<&str>,
) -> StoreResult<Vec<SearchCandidate>> {
    let sql = format!(
        "select {SEARCH_CANDIDATE_COLUMNS} \
         from profiles p where p.profile_is_public and p.directory_search @@ to_tsquery('simple', $2) \
         and p.location_id = $1 \
         and ($3::text is null or exists (select 1 from directory_index t where t.profile_id = p.id and t.tag = $3)) \
         limit $4",
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(location_id)
        .bind(tsquery(words))
        .bind(tag)
        .bind(as_sql(RESULT_WINDOW))
        .fetch_all(pool)
        .await?;
    rows.iter().map(columns::search_candidate_from).collect()
}

/// Those of the profiles that are public at the location.
pub async fn public_profiles(
    pool: &PgPool,
    location_id: i64,
    profile_ids: &[i64],
) -> StoreResult<Vec<Profile>> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id \
         where p.id = any($1) and p.location_id = $2 and p.profile_is_public",
        columns::profile_columns()
    );
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile_ids).bind(location_id).fetch_all(pool).await?;
    rows.iter().map(columns::profile_from).collect()
}

/// Every word as a quoted lexeme, so nothing in it is syntax.
fn tsquery(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("'{}'", word.replace('\'', "''"))).collect();
    quoted.join(" & ")
}

fn as_sql(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::tsquery;

    #[test]
    fn every_word_is_quoted() {
        let words = vec!["ada".to_string(), "o'neil".to_string()];
        assert_eq!(tsquery(&words), "'ada' & 'o''neil'");
    }
}
