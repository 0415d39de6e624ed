//! Database migrations for Mizan, shared by PostgreSQL and SQLite.

pub use sea_orm_migration::prelude::*;

mod m20251129_000001_create_reference_tables;
mod m20251129_000002_create_statistics_and_claims;
mod m20251129_000003_create_revisions;
mod m20251129_000004_create_api_keys_and_idempotency_keys;
mod m20251129_000005_add_search;
mod m20251129_000006_search_configurations;
mod m20251129_000007_create_data_version;
mod m20261129_000001_keep_searched_rows_inline;
mod m20261130_000001_one_search_configuration;
mod m20261207_000001_qualify_statistics;
mod m20261207_000002_make_source_titles_optional;
mod m20261208_000001_create_events;
mod m20261209_000001_record_search_tokens;
mod m20261210_000001_create_webhooks;

/// Every migration, in the order it runs.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20251129_000001_create_reference_tables::Migration),
            Box::new(m20251129_000002_create_statistics_and_claims::Migration),
            Box::new(m20251129_000003_create_revisions::Migration),
            Box::new(m20251129_000004_create_api_keys_and_idempotency_keys::Migration),
            Box::new(m20251129_000005_add_search::Migration),
            Box::new(m20251129_000006_search_configurations::Migration),
            Box::new(m20251129_000007_create_data_version::Migration),
            Box::new(m20261129_000001_keep_searched_rows_inline::Migration),
            Box::new(m20261130_000001_one_search_configuration::Migration),
            Box::new(m20261207_000001_qualify_statistics::Migration),
            Box::new(m20261207_000002_make_source_titles_optional::Migration),
            Box::new(m20261208_000001_create_events::Migration),
            Box::new(m20261209_000001_record_search_tokens::Migration),
            Box::new(m20261210_000001_create_webhooks::Migration),
        ]
    }
}
