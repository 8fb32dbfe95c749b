//! The member directory, in SQLite: public profiles in an FTS5 index (`directory_search`,
//! rowid = profile id) and in `directory_index` (one row per profile for the whole
//! directory, tag `''`, and one per tag), both rewritten in the transaction of every write
//! that changes what the directory shows.

use rusqlite::{Connection, params};

use super::connection::all_rows;
use crate::domain::directory::{self, DirectoryHits, DirectoryOrder, RESULT_WINDOW, SearchCandidate};
use crate::domain::fields::split_tags;
use crate::store::StoreResult;
use crate::store::shared::{self, LISTED, SEARCH_CANDIDATE_COLUMNS};

/// Brings the directory's entries for one profile in line with its stored row.
pub fn sync(c: &Connection, profile_id: i64) -> StoreResult<()> {
    c.prepare_cached("delete from directory_search where rowid = ?1")?.execute([profile_id])?;
    c.prepare_cached("delete from directory_index where profile_id = ?1")?.execute([profile_id])?;
    add(c, &[profile_id])
}

/// Adds the directory's entries for profiles that have none yet (new ones); the private
/// ones are skipped. The search index is written last, in one statement: FTS5 writes its
/// pending entries to disk at every statement that could roll back, so entries interleaved
/// with other writes would each become a segment of their own.
pub fn add(c: &Connection, profile_ids: &[i64]) -> StoreResult<()> {
    let ids = serde_json::to_string(profile_ids).map_err(anyhow::Error::new)?;
    let public = all_rows(
        c.prepare_cached(&format!(
            "select id, location_id, full_name, profile_tags from profiles \
             where id in (select value from json_each(?1)) and {LISTED}"
        ))?
        .query([&ids])?,
        |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        },
    )?;
    let mut insert = c.prepare_cached(
        "insert or ignore into directory_index (location_id, tag, name_key, profile_id) values (?1, ?2, ?3, ?4)",
    )?;
    for (profile_id, location_id, full_name, tags) in &public {
        let name_key = directory::name_key(full_name);
        insert.execute(params![location_id, "", name_key, profile_id])?;
        for tag in tags.as_deref().map(split_tags).unwrap_or_default() {
            insert.execute(params![location_id, directory::tag_key(tag), name_key, profile_id])?;
        }
    }
    c.prepare_cached(&format!(
        "insert into directory_search (rowid, full_name, company_name, position, business_area, profile_tags, \
         profile_summary) select id, full_name, company_name, position, business_area, profile_tags, \
         profile_summary from profiles where id in (select value from json_each(?1)) and {LISTED}"
    ))?
    .execute([&ids])?;
    Ok(())
}

/// Rebuilds every public profile's entries (after the migration that adds the directory).
pub fn rebuild(c: &Connection) -> StoreResult<()> {
    let ids: Vec<i64> =
        all_rows(c.prepare(&format!("select id from profiles where {LISTED}"))?.query([])?, |row| {
            Ok(row.get(0)?)
        })?;
    add(c, &ids)
}

/// The public profiles at the location, in name order, optionally with one tag.
pub fn list(
    c: &Connection,
    location_id: i64,
    tag: &str,
    order: DirectoryOrder,
    offset: u64,
    limit: u64,
) -> StoreResult<DirectoryHits> {
    let profile_ids = all_rows(
        c.prepare_cached(&format!(
            "select profile_id from directory_index where location_id = ?1 and tag = ?2 \
             order by {} limit ?3 offset ?4",
            shared::directory_order(order)
        ))?
        .query(params![location_id, tag, shared::as_sql(limit), shared::as_sql(offset)])?,
        |row| Ok(row.get(0)?),
    )?;
    let total: i64 = c
        .prepare_cached(
            "select count(*) from (select 1 from directory_index where location_id = ?1 and tag = ?2 limit ?3)",
        )?
        .query_row(params![location_id, tag, shared::as_sql(RESULT_WINDOW)], |row| row.get(0))?;
    Ok(DirectoryHits { profile_ids, total: u64::try_from(total).unwrap_or_default() })
}

/// The first [`RESULT_WINDOW`] public profiles at the location that have every word and
/// the tag, if one is given, in index order: a common word costs no more than a rare one.
pub fn search(
    c: &Connection,
    location_id: i64,
    words: &[String],
    tag: Option<&str>,
) -> StoreResult<Vec<SearchCandidate>> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select {SEARCH_CANDIDATE_COLUMNS} \
         from directory_search f join profiles p on p.id = f.rowid \
         where directory_search match ?1 and p.location_id = ?2 and p.profile_is_public \
         and (?3 is null or exists (select 1 from directory_index t where t.profile_id = f.rowid and t.tag = ?3)) \
         limit ?4",
    );
    let mut statement = c.prepare_cached(&sql)?;
    let rows =
        statement.query(params![match_expression(words), location_id, tag, shared::as_sql(RESULT_WINDOW)])?;
    all_rows(rows, |row| Ok(shared::searched_profile_from(row)?.candidate(words)))
}

/// Every word as a quoted FTS5 string, so nothing in it is syntax.
fn match_expression(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("\"{}\"", word.replace('"', "\"\""))).collect();
    quoted.join(" ")
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn every_word_is_quoted() {
        let words = vec!["ada".to_string(), "lo\"ve".to_string()];
        assert_eq!(match_expression(&words), r#""ada" "lo""ve""#);
    }
}
