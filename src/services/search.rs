//! Full-text search: the database finds the records whose search tokens match a query
//! (PostgreSQL's `tsvector`, SQLite's FTS5); the service ranks them, the same way on
//! both, so that both return the same results in the same order.

use entity::{claim, company, model, source};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, SimpleExpr},
};

use crate::domain::{lang::Localized, search_text::Query};

/// The most matches of one type considered for a search.
pub const MAX_MATCHES: u64 = 1000;

/// What can be searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// The condition "this row of `table` matches `query`", for the backend of `db`. Every
/// listed table is indexed: companies, models, sources, claims, countries, metrics and
/// statistics.
pub fn matches(backend: DatabaseBackend, table: &str, query: &Query) -> SimpleExpr {
    if query.terms.is_empty() {
        return Expr::cust("1 = 0");
    }
    match backend {
        DatabaseBackend::Postgres => Expr::cust_with_values(
            format!("\"{table}\".\"search_vector\" @@ to_tsquery('simple', $1)"),
            [query.tsquery()],
        ),
        _ => Expr::cust_with_values(
            format!(
                "\"{table}\".\"id\" IN (SELECT \"id\" FROM \"{table}_fts\" WHERE \"{table}_fts\" MATCH ?)"
            ),
            [query.fts5()],
        ),
    }
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
    /// The text a snippet is taken from.
    pub text: Localized,
    /// How well it matches.
    pub score: u32,
    /// When it last changed, for breaking ties.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Every match of `query` among `kinds`, best first; ties go to the more recent.
#[tracing::instrument(skip_all)]
pub async fn search<C: ConnectionTrait>(
    db: &C,
    query: &Query,
    kinds: &[Kind],
) -> Result<Vec<Hit>, DbErr> {
    let backend = db.get_database_backend();
    let mut hits = Vec::new();
    for kind in kinds {
        let condition = matches(backend, kind.table(), query);
        match kind {
            Kind::Claims => {
                for row in claim::Entity::find()
                    .filter(condition)
                    .limit(MAX_MATCHES)
                    .all(db)
                    .await?
                {
                    hits.push(Hit {
                        kind: *kind,
                        key: row.key.clone().unwrap_or_else(|| row.id.to_string()),
                        score: query.score(&row.search_title, &row.search_body),
                        title: Localized::new(&row.text_en, &row.text_ar),
                        text: match (&row.verdict_summary_en, &row.verdict_summary_ar) {
                            (Some(en), Some(ar)) => Localized::new(
                                format!("{} {en}", row.text_en),
                                format!("{} {ar}", row.text_ar),
                            ),
                            _ => Localized::new(&row.text_en, &row.text_ar),
                        },
                        updated_at: row.updated_at,
                    });
                }
            }
            Kind::Models => {
                for row in model::Entity::find()
                    .filter(condition)
                    .limit(MAX_MATCHES)
                    .all(db)
                    .await?
                {
                    hits.push(Hit {
                        kind: *kind,
                        key: row.slug.clone(),
                        score: query.score(&row.search_title, &row.search_body),
                        title: Localized::new(&row.name, &row.name),
                        text: Localized::new(&row.description_en, &row.description_ar),
                        updated_at: row.updated_at,
                    });
                }
            }
            Kind::Companies => {
                for row in company::Entity::find()
                    .filter(condition)
                    .limit(MAX_MATCHES)
                    .all(db)
                    .await?
                {
                    hits.push(Hit {
                        kind: *kind,
                        key: row.slug.clone(),
                        score: query.score(&row.search_title, &row.search_body),
                        title: Localized::new(&row.name_en, &row.name_ar),
                        text: Localized::new(&row.description_en, &row.description_ar),
                        updated_at: row.updated_at,
                    });
                }
            }
            Kind::Sources => {
                for row in source::Entity::find()
                    .filter(condition)
                    .limit(MAX_MATCHES)
                    .all(db)
                    .await?
                {
                    let note = Localized::from_parts(row.note_en.clone(), row.note_ar.clone());
                    hits.push(Hit {
                        kind: *kind,
                        key: row.key.clone().unwrap_or_else(|| row.id.to_string()),
                        score: query.score(&row.search_title, &row.search_body),
                        title: Localized::new(&row.title, &row.title),
                        text: note.unwrap_or_else(|| Localized::new(&row.title, &row.title)),
                        updated_at: row.updated_at,
                    });
                }
            }
        }
    }
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.updated_at.cmp(&a.updated_at))
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(hits)
}
