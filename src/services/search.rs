//! Full-text search: the database finds and ranks the records whose search tokens match
//! a query (PostgreSQL's `tsvector` with `ts_rank`, SQLite's FTS5 with `bm25`). Both
//! index the same normalized tokens, so both find the same records; their scores differ
//! in scale and, between close matches, in order.

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, QueryResult, Statement,
    sea_query::{Expr, SimpleExpr},
};
use uuid::Uuid;

use crate::domain::{lang::Localized, search_text::Query};

/// How deep search results can be paged: the best this many of each type.
pub const MAX_RESULTS: u64 = 1000;

/// What can be searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Claims.
    Claims,
    /// Models.
    Models,
    /// Companies.
    Companies,
    /// Sources.
    Sources,
}

impl Kind {
    /// Every searchable type, in the order ties between them break.
    pub const ALL: [Kind; 4] = [Kind::Claims, Kind::Models, Kind::Companies, Kind::Sources];

    /// Its table, and its name in `types=` and in results.
    pub fn table(self) -> &'static str {
        match self {
            Kind::Claims => "claims",
            Kind::Models => "models",
            Kind::Companies => "companies",
            Kind::Sources => "sources",
        }
    }

    /// Parses a `types=` entry.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.table() == name)
    }
}

/// The PostgreSQL expression of the query bound to `$1`, read by the `english_arabic`
/// configuration that reads the search vectors: Latin words through the English stemmer
/// and stop words, Arabic ones through the Arabic. It is a subquery so that it is parsed
/// once per statement: as a plain expression, a prepared statement's generic plan parsed
/// (and stemmed) it again for every matching row it ranked or rechecked.
const PG_QUERY: &str = "(SELECT to_tsquery('english_arabic', $1))";

/// The condition "this row of `table` matches `query`", for the backend of `db`. Every
/// listed table is indexed: companies, models, sources, claims, countries, metrics and
/// statistics.
pub fn matches(backend: DatabaseBackend, table: &str, query: &Query) -> SimpleExpr {
    if query.terms.is_empty() {
        return Expr::cust("1 = 0");
    }
    match backend {
        DatabaseBackend::Postgres => Expr::cust_with_values(
            format!("\"{table}\".\"search_vector\" @@ {PG_QUERY}"),
            [query.tsquery()],
        ),
        _ => Expr::cust_with_values(
            format!(
                "\"{table}\".\"id\" IN (SELECT \"id\" FROM \"search_index\" WHERE \"search_index\" MATCH ? AND \"kind\" = ?)"
            ),
            [query.fts5(), table.to_owned()],
        ),
    }
}

/// Each type's columns a hit shows and cuts its snippet from, as the search statement
/// names them: prefixed with the table, so that the joined tables' columns stay apart.
fn text_columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Claims => &[
            "key",
            "text_en",
            "text_ar",
            "verdict_summary_en",
            "verdict_summary_ar",
        ],
        Kind::Models => &["slug", "name", "description_en", "description_ar"],
        Kind::Companies => &[
            "slug",
            "name_en",
            "name_ar",
            "description_en",
            "description_ar",
        ],
        Kind::Sources => &["key", "title", "publisher", "note_en", "note_ar"],
    }
}

/// The statement that ranks the matches of `query` among `kinds` and returns the best
/// `limit` of them after the first `skip`, with their texts: the ranking as a subquery,
/// joined by id to each type's table. One statement, so one round trip and one snapshot:
/// a record deleted between ranking and reading cannot leave a hole in a page.
///
/// Ranked on PostgreSQL by `ts_rank` with a title weighing ten times a body, on SQLite by
/// `bm25` with the same column weights (negated, so that higher is better on both).
/// `ts_rank` weighs how often and where the terms occur; `ts_rank_cd` would measure how
/// densely they cover the text, at three times the cost per matching row. Ties go to the
/// more recently updated, then by type and id, so that every page of a search cuts the
/// same list.
///
/// A row holds the hit's kind, id and score, then each type's texts in the order of
/// `kinds`: returned with the statement is the column each type's texts start at.
fn statement(
    backend: DatabaseBackend,
    query: &Query,
    kinds: &[Kind],
    skip: u64,
    limit: u64,
) -> (Statement, Vec<(Kind, usize)>) {
    let ranked = i64::try_from(skip.saturating_add(limit)).unwrap_or(i64::MAX);
    let skip = i64::try_from(skip).unwrap_or(i64::MAX);
    let (hits, mut values): (String, Vec<sea_orm::Value>) = match backend {
        DatabaseBackend::Postgres => {
            let selects: Vec<String> = kinds
                .iter()
                .map(|kind| {
                    let table = kind.table();
                    format!(
                        "(SELECT '{table}' AS \"kind\", \"id\", \"updated_at\", \
                           ts_rank('{{0, 0, 0.1, 1}}', \"search_vector\", {query})::float8 AS \"score\" \
                         FROM \"{table}\" WHERE \"search_vector\" @@ {query} \
                         ORDER BY \"score\" DESC, \"updated_at\" DESC, \"id\" LIMIT $2)",
                        query = PG_QUERY
                    )
                })
                .collect();
            (
                format!(
                    "SELECT * FROM ({}) AS \"ranked\" \
                     ORDER BY \"score\" DESC, \"updated_at\" DESC, \"kind\", \"id\" LIMIT $2",
                    selects.join(" UNION ALL ")
                ),
                vec![query.tsquery().into(), ranked.into()],
            )
        }
        _ => {
            let names: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.table())).collect();
            (
                format!(
                    "SELECT \"kind\", \"id\", \"updated_at\", \
                       -bm25(\"search_index\", 0.0, 0.0, 0.0, 10.0, 1.0) AS \"score\" \
                     FROM \"search_index\" WHERE \"search_index\" MATCH ? AND \"kind\" IN ({}) \
                     ORDER BY \"score\" DESC, \"updated_at\" DESC, \"kind\", \"id\" LIMIT ?",
                    names.join(", ")
                ),
                vec![query.fts5().into(), ranked.into()],
            )
        }
    };
    let mut columns = ["kind", "id", "score"]
        .map(|column| format!("\"hits\".\"{column}\""))
        .to_vec();
    let mut texts_at = Vec::with_capacity(kinds.len());
    let mut joins = Vec::new();
    for kind in kinds {
        let table = kind.table();
        texts_at.push((*kind, columns.len()));
        columns.extend(
            text_columns(*kind)
                .iter()
                .map(|column| format!("\"{table}\".\"{column}\" AS \"{table}_{column}\"")),
        );
        // The id only for the hits of this type: a join condition on the kind as well
        // looked up every hit in every table and then threw the others away.
        joins.push(format!(
            "LEFT JOIN \"{table}\" ON \"{table}\".\"id\" = \
             CASE WHEN \"hits\".\"kind\" = '{table}' THEN \"hits\".\"id\" END"
        ));
    }
    let page = match backend {
        DatabaseBackend::Postgres => "LIMIT $3 OFFSET $4",
        _ => "LIMIT ? OFFSET ?",
    };
    values.extend([i64::try_from(limit).unwrap_or(i64::MAX).into(), skip.into()]);
    let statement = Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT {} \
             FROM ({hits}) AS \"hits\" {} \
             ORDER BY \"hits\".\"score\" DESC, \"hits\".\"updated_at\" DESC, \"hits\".\"kind\", \"hits\".\"id\" \
             {page}",
            columns.join(", "),
            joins.join(" ")
        ),
        values,
    );
    (statement, texts_at)
}

/// One search result.
#[derive(Clone, Debug)]
pub struct Hit {
    /// What it is.
    pub kind: Kind,
    /// Its key, slug or id.
    pub key: String,
    /// Its title.
    pub title: Localized,
    /// The texts a snippet may be taken from: the first that matches, in each language.
    pub texts: Vec<Localized>,
    /// How well it matches: higher is better. Comparable within one search, not across
    /// backends.
    pub score: f64,
}

impl Hit {
    /// The hit of `kind` on `row` of the search statement, whose texts of `kind` start at
    /// column `texts_at`; `None` where the joined record is missing, which would mean the
    /// search index and its table disagree (SQLite's triggers and PostgreSQL's generated
    /// column keep them in step): such a match is left out rather than failing the search.
    ///
    /// Columns are read by position: by name, each cost a lookup and the name's making,
    /// a tenth of a search's own work on a page of 50.
    fn read(kind: Kind, row: &QueryResult, texts_at: usize) -> Result<Option<Self>, DbErr> {
        let text = |column: &str| match text_columns(kind).iter().position(|c| *c == column) {
            Some(at) => row.try_get_by_index::<Option<String>>(texts_at + at),
            None => Err(DbErr::Custom(format!(
                "the search statement reads no {column} of {}",
                kind.table()
            ))),
        };
        let id: Uuid = row.try_get_by_index(1)?;
        let score: f64 = row.try_get_by_index(2)?;
        let hit = match kind {
            Kind::Claims => {
                let (Some(text_en), Some(text_ar)) = (text("text_en")?, text("text_ar")?) else {
                    return Ok(None);
                };
                let claim = Localized::new(text_en, text_ar);
                Hit {
                    kind,
                    key: text("key")?.unwrap_or_else(|| id.to_string()),
                    texts: [
                        Some(claim.clone()),
                        Localized::from_parts(
                            text("verdict_summary_en")?,
                            text("verdict_summary_ar")?,
                        ),
                    ]
                    .into_iter()
                    .flatten()
                    .collect(),
                    title: claim,
                    score,
                }
            }
            Kind::Models | Kind::Companies => {
                // A model's name is one, the same in both languages.
                let (name_en, name_ar) = match kind {
                    Kind::Models => ("name", "name"),
                    _ => ("name_en", "name_ar"),
                };
                let (Some(slug), Some(name_en), Some(name_ar), Some(en), Some(ar)) = (
                    text("slug")?,
                    text(name_en)?,
                    text(name_ar)?,
                    text("description_en")?,
                    text("description_ar")?,
                ) else {
                    return Ok(None);
                };
                let name = Localized::new(name_en, name_ar);
                Hit {
                    kind,
                    key: slug,
                    texts: vec![Localized::new(en, ar), name.clone()],
                    title: name,
                    score,
                }
            }
            Kind::Sources => {
                // A source whose title is not known is named by its publisher.
                let Some(title) = text("title")?.or(text("publisher")?) else {
                    return Ok(None);
                };
                let title = Localized::new(&title, &title);
                Hit {
                    kind,
                    key: text("key")?.unwrap_or_else(|| id.to_string()),
                    texts: [
                        Localized::from_parts(text("note_en")?, text("note_ar")?),
                        Some(title.clone()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect(),
                    title,
                    score,
                }
            }
        };
        Ok(Some(hit))
    }
}

/// The best `limit` matches of `query` among `kinds` after the first `skip`, best first;
/// ties go to the more recent.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &DatabaseConnection,
    query: &Query,
    kinds: &[Kind],
    skip: u64,
    limit: u64,
) -> Result<Vec<Hit>, DbErr> {
    // Each type once, however often it was asked for: the statement joins each type's
    // table under its own name.
    let kinds: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|kind| kinds.contains(kind))
        .collect();
    if query.terms.is_empty() || kinds.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let (statement, texts_at) = statement(db.get_database_backend(), query, &kinds, skip, limit);
    let rows = db.query_all_raw(statement).await?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in &rows {
        let kind: String = row.try_get_by_index(0)?;
        if let Some(&(kind, at)) = texts_at.iter().find(|(k, _)| k.table() == kind)
            && let Some(hit) = Hit::read(kind, row, at)?
        {
            hits.push(hit);
        }
    }
    Ok(hits)
}

/// The search document of a record's texts, in order, the absent ones left out: what
/// its `search_title` or `search_body` holds.
pub fn document(texts: &[Option<&str>]) -> String {
    crate::domain::search_text::document(texts.iter().flatten().copied())
}
