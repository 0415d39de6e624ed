//! Full-text search over every listed resource.
//!
//! The service writes each record's normalized search tokens into `search_title` and
//! `search_body` (see the service's `search_text` module); the database keeps the index
//! in step with them: on PostgreSQL a generated, weighted `tsvector` with a GIN index, on
//! SQLite an FTS5 table maintained by triggers.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The searchable tables.
pub(crate) const TABLES: [&str; 7] = [
    "companies",
    "models",
    "sources",
    "claims",
    "countries",
    "metrics",
    "statistics",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            for column in ["search_title", "search_body"] {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
                ))
                .await?;
            }
            match manager.get_database_backend() {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS \
                         (setweight(to_tsvector('simple', search_title), 'A') || \
                          setweight(to_tsvector('simple', search_body), 'B')) STORED"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE INDEX idx_{table}_search_vector ON {table} USING GIN (search_vector)"
                    ))
                    .await?;
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "CREATE VIRTUAL TABLE {table}_fts USING fts5(id UNINDEXED, search_title, search_body, tokenize = 'unicode61 remove_diacritics 0')"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN \
                           INSERT INTO {table}_fts (id, search_title, search_body) VALUES (new.id, new.search_title, new.search_body); \
                         END"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN \
                           DELETE FROM {table}_fts WHERE id = old.id; \
                         END"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_fts_update AFTER UPDATE OF search_title, search_body ON {table} BEGIN \
                           DELETE FROM {table}_fts WHERE id = old.id; \
                           INSERT INTO {table}_fts (id, search_title, search_body) VALUES (new.id, new.search_title, new.search_body); \
                         END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            match manager.get_database_backend() {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} DROP COLUMN search_vector"
                    ))
                    .await?;
                }
                _ => {
                    for trigger in ["insert", "delete", "update"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_fts_{trigger}"
                        ))
                        .await?;
                    }
                    db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}_fts"))
                        .await?;
                }
            }
            for column in ["search_title", "search_body"] {
                db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                    .await?;
            }
        }
        Ok(())
    }
}
