//! Business rules and queries, one module per resource. No actix types here.

pub mod availability;
pub mod changes;
pub mod claims;
pub mod companies;
pub mod connection;
pub mod countries;
pub mod events;
pub mod freshness;
pub mod health;
pub mod idempotency;
pub mod keys;
pub mod listing;
pub mod metrics;
pub mod models;
pub mod related;
pub mod resources;
pub mod revisions;
pub mod search;
pub mod search_cache;
pub mod sources;
pub mod statements;
pub mod statistics;
pub mod upgrade;
pub mod webhooks;
pub mod writes;

use sea_orm::{
    ColumnTrait, EntityTrait, Iterable,
    sea_query::{Query, SelectStatement},
};

/// `SELECT id FROM <entity> WHERE <key column> = key`, for filtering by a referenced
/// record's slug or key without a second round trip.
pub fn id_where<E: EntityTrait>(id: E::Column, key: E::Column, value: &str) -> SelectStatement
where
    E::Column: Iterable,
{
    Query::select()
        .column(id)
        .from(E::default())
        .and_where(key.eq(value))
        .to_owned()
}

/// A country code as stored: ISO alpha-2 codes upper-case, region and group slugs lower-case.
pub fn normalize_code(code: &str) -> String {
    match code.len() {
        2 => code.to_ascii_uppercase(),
        _ => code.to_ascii_lowercase(),
    }
}

/// How a body refers to a source: its dataset key when it has one, else its id.
pub fn source_ref(related: &related::Related, id: uuid::Uuid) -> String {
    related
        .sources
        .get(&id)
        .and_then(|source| source.key.clone())
        .unwrap_or_else(|| id.to_string())
}
