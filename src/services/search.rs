//! Full-text search: the database finds and ranks the records whose search tokens match
//! a query (PostgreSQL's `tsvector` with `ts_rank`, SQLite's FTS5 with `bm25`). Both
//! index the same normalized tokens, so both find the same records; their scores differ
//! in scale and, between close matches, in order.

use std::collections::HashMap;

use entity::{claim, company, model, source};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, DerivePartialModel,
    EntityTrait, QueryFilter, Statement,
    sea_query::{Expr, SimpleExpr},
};
use uuid::Uuid;

use super::connection::OneConnection;
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

/// The PostgreSQL expression of `query`: each configuration parses the same normalized
/// tokens, and a row matches if either's reading does. Where both read it the same (an
/// English query: the Arabic configuration leaves Latin words as they are), the query is
/// that one reading, not the two joined by `|`: the index then checks each term once, and
/// `ts_rank` weighs an `&` of terms by how close together they occur, as it does for any
/// query whose top operator is `&`. It is a subquery so that it is parsed once per
/// statement: as a plain expression, a prepared statement's generic plan parsed (and
/// stemmed) it again for every matching row it ranked or rechecked.
fn pg_query(first: usize, second: usize) -> String {
    format!(
        "(SELECT CASE WHEN english = arabic THEN english ELSE english || arabic END \
         FROM (SELECT to_tsquery('english', ${first}) AS english, \
         to_tsquery('arabic', ${second}) AS arabic) AS parsed)"
    )
}

/// The condition "this row of `table` matches `query`", for the backend of `db`. Every
/// listed table is indexed: companies, models, sources, claims, countries, metrics and
/// statistics.
pub fn matches(backend: DatabaseBackend, table: &str, query: &Query) -> SimpleExpr {
    if query.terms.is_empty() {
        return Expr::cust("1 = 0");
    }
    match backend {
        DatabaseBackend::Postgres => Expr::cust_with_values(
            format!("\"{table}\".\"search_vector\" @@ {}", pg_query(1, 2)),
            [query.tsquery(), query.tsquery()],
        ),
        _ => Expr::cust_with_values(
            format!(
                "\"{table}\".\"id\" IN (SELECT \"id\" FROM \"search_index\" WHERE \"search_index\" MATCH ? AND \"kind\" = ?)"
            ),
            [query.fts5(), table.to_owned()],
        ),
    }
}

/// A match: its type, id and score.
type Ranked = (Kind, Uuid, f64);

/// The best `limit` matches of `query` among `kinds`, best first: on PostgreSQL by
/// `ts_rank` with a title weighing ten times a body, on SQLite by `bm25` with the same
/// column weights (negated, so that higher is better on both). `ts_rank` weighs how
/// often and where the terms occur; `ts_rank_cd` would also weigh how close together
/// they are, at three times the cost per matching row. Ties go to the more
/// recently updated, then by type and id, so that every page of a search cuts the same
/// list.
async fn ranked<C: ConnectionTrait>(
    db: &C,
    query: &Query,
    kinds: &[Kind],
    limit: u64,
) -> Result<Vec<Ranked>, DbErr> {
    if query.terms.is_empty() || kinds.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let statement = match backend {
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
                        query = pg_query(1, 1)
                    )
                })
                .collect();
            Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT \"kind\", \"id\", \"score\" FROM ({}) AS hits \
                     ORDER BY \"score\" DESC, \"updated_at\" DESC, \"kind\", \"id\" LIMIT $2",
                    selects.join(" UNION ALL ")
                ),
                [query.tsquery().into(), limit.into()],
            )
        }
        _ => {
            let names: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.table())).collect();
            Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT \"kind\", \"id\", -bm25(\"search_index\", 0.0, 0.0, 0.0, 10.0, 1.0) AS \"score\" \
                     FROM \"search_index\" WHERE \"search_index\" MATCH ? AND \"kind\" IN ({}) \
                     ORDER BY \"score\" DESC, \"updated_at\" DESC, \"kind\", \"id\" LIMIT ?",
                    names.join(", ")
                ),
                [query.fts5().into(), limit.into()],
            )
        }
    };
    let mut hits = Vec::new();
    for row in db.query_all_raw(statement).await? {
        let kind: String = row.try_get("", "kind")?;
        let Some(kind) = Kind::parse(&kind) else {
            continue;
        };
        hits.push((kind, row.try_get("", "id")?, row.try_get("", "score")?));
    }
    Ok(hits)
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

/// What a claim's hit shows and cuts its snippet from.
#[derive(DerivePartialModel)]
#[sea_orm(entity = "claim::Entity")]
struct ClaimText {
    id: Uuid,
    key: Option<String>,
    text_en: String,
    text_ar: String,
    verdict_summary_en: Option<String>,
    verdict_summary_ar: Option<String>,
}

/// What a model's hit shows and cuts its snippet from.
#[derive(DerivePartialModel)]
#[sea_orm(entity = "model::Entity")]
struct ModelText {
    id: Uuid,
    slug: String,
    name: String,
    description_en: String,
    description_ar: String,
}

/// What a company's hit shows and cuts its snippet from.
#[derive(DerivePartialModel)]
#[sea_orm(entity = "company::Entity")]
struct CompanyText {
    id: Uuid,
    slug: String,
    name_en: String,
    name_ar: String,
    description_en: String,
    description_ar: String,
}

/// What a source's hit shows and cuts its snippet from.
#[derive(DerivePartialModel)]
#[sea_orm(entity = "source::Entity")]
struct SourceText {
    id: Uuid,
    key: Option<String>,
    title: String,
    note_en: Option<String>,
    note_ar: Option<String>,
}

/// The `limit` best matches of `query` among `kinds`, best first; ties go to the more
/// recent.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &DatabaseConnection,
    query: &Query,
    kinds: &[Kind],
    limit: u64,
) -> Result<Vec<Hit>, DbErr> {
    let db = &OneConnection::take(db).await?;
    let ranked = ranked(db, query, kinds, limit).await?;
    let mut found: HashMap<(Kind, Uuid), Hit> = HashMap::new();
    for kind in kinds {
        let ids: Vec<Uuid> = ranked
            .iter()
            .filter(|(k, _, _)| k == kind)
            .map(|(_, id, _)| *id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        match kind {
            Kind::Claims => {
                for row in claim::Entity::find()
                    .filter(claim::Column::Id.is_in(ids))
                    .into_partial_model::<ClaimText>()
                    .all(db)
                    .await?
                {
                    let hit = Hit {
                        kind: *kind,
                        key: row.key.clone().unwrap_or_else(|| row.id.to_string()),
                        title: Localized::new(&row.text_en, &row.text_ar),
                        texts: [
                            Some(Localized::new(&row.text_en, &row.text_ar)),
                            Localized::from_parts(row.verdict_summary_en, row.verdict_summary_ar),
                        ]
                        .into_iter()
                        .flatten()
                        .collect(),
                        score: 0.0,
                    };
                    found.insert((*kind, row.id), hit);
                }
            }
            Kind::Models => {
                for row in model::Entity::find()
                    .filter(model::Column::Id.is_in(ids))
                    .into_partial_model::<ModelText>()
                    .all(db)
                    .await?
                {
                    let hit = Hit {
                        kind: *kind,
                        key: row.slug.clone(),
                        title: Localized::new(&row.name, &row.name),
                        texts: vec![
                            Localized::new(&row.description_en, &row.description_ar),
                            Localized::new(&row.name, &row.name),
                        ],
                        score: 0.0,
                    };
                    found.insert((*kind, row.id), hit);
                }
            }
            Kind::Companies => {
                for row in company::Entity::find()
                    .filter(company::Column::Id.is_in(ids))
                    .into_partial_model::<CompanyText>()
                    .all(db)
                    .await?
                {
                    let hit = Hit {
                        kind: *kind,
                        key: row.slug.clone(),
                        title: Localized::new(&row.name_en, &row.name_ar),
                        texts: vec![
                            Localized::new(&row.description_en, &row.description_ar),
                            Localized::new(&row.name_en, &row.name_ar),
                        ],
                        score: 0.0,
                    };
                    found.insert((*kind, row.id), hit);
                }
            }
            Kind::Sources => {
                for row in source::Entity::find()
                    .filter(source::Column::Id.is_in(ids))
                    .into_partial_model::<SourceText>()
                    .all(db)
                    .await?
                {
                    let hit = Hit {
                        kind: *kind,
                        key: row.key.clone().unwrap_or_else(|| row.id.to_string()),
                        title: Localized::new(&row.title, &row.title),
                        texts: [
                            Localized::from_parts(row.note_en, row.note_ar),
                            Some(Localized::new(&row.title, &row.title)),
                        ]
                        .into_iter()
                        .flatten()
                        .collect(),
                        score: 0.0,
                    };
                    found.insert((*kind, row.id), hit);
                }
            }
        }
    }
    // In the database's order; a record deleted since it was ranked is left out.
    Ok(ranked
        .into_iter()
        .filter_map(|(kind, id, score)| found.remove(&(kind, id)).map(|hit| Hit { score, ..hit }))
        .collect())
}
