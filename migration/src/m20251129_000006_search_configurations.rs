//! Search indexes that rank well across types.
//!
//! PostgreSQL indexes the service's normalized search tokens with its `english` and
//! `arabic` text search configurations rather than `simple`: Latin tokens go through the
//! English stemmer and stop-word list, Arabic ones through the Arabic stemmer, and
//! search ranks on those lexemes. Each field is indexed under both configurations
//! (each leaves the other script's words as they are), so a query matches whichever
//! configuration parsed it. Titles are weight `A`, bodies weight `B`.
//!
//! SQLite moves from one FTS5 table per searchable table to a single `search_index` over
//! all of them, kept in step by triggers: `bm25` weighs a term by how rare it is in the
//! index, so scores only compare across types when the types share one index.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

use crate::m20251129_000005_add_search::TABLES;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each searchable field read by both configurations, the title weighing `A`, the body `B`.
pub(crate) const ENGLISH_AND_ARABIC: &str = "setweight(to_tsvector('english', search_title) || to_tsvector('arabic', search_title), 'A') || \
     setweight(to_tsvector('english', search_body) || to_tsvector('arabic', search_body), 'B')";

/// Replaces every searchable table's generated `search_vector`, and its index, by one
/// generated as `vector`.
pub(crate) async fn rebuild_vectors(
    manager: &SchemaManager<'_>,
    vector: &str,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for table in TABLES {
        db.execute_unprepared(&format!(
            "ALTER TABLE {table} DROP COLUMN search_vector; \
             ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED; \
             CREATE INDEX idx_{table}_search_vector ON {table} USING GIN (search_vector)"
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            return rebuild_vectors(manager, ENGLISH_AND_ARABIC).await;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE VIRTUAL TABLE search_index USING fts5(\
               kind UNINDEXED, id UNINDEXED, updated_at UNINDEXED, search_title, search_body, \
               tokenize = 'unicode61 remove_diacritics 0')",
        )
        .await?;
        for table in TABLES {
            for trigger in ["insert", "delete", "update"] {
                db.execute_unprepared(&format!("DROP TRIGGER {table}_fts_{trigger}"))
                    .await?;
            }
            db.execute_unprepared(&format!("DROP TABLE {table}_fts"))
                .await?;
            let add = format!(
                "INSERT INTO search_index (kind, id, updated_at, search_title, search_body) \
                 VALUES ('{table}', new.id, new.updated_at, new.search_title, new.search_body);"
            );
            let remove =
                format!("DELETE FROM search_index WHERE kind = '{table}' AND id = old.id;");
            db.execute_unprepared(&format!(
                "INSERT INTO search_index (kind, id, updated_at, search_title, search_body) \
                   SELECT '{table}', id, updated_at, search_title, search_body FROM {table}; \
                 CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN {add} END; \
                 CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN {remove} END; \
                 CREATE TRIGGER {table}_search_update AFTER UPDATE ON {table} BEGIN {remove} {add} END;"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            return rebuild_vectors(
                manager,
                "setweight(to_tsvector('simple', search_title), 'A') || \
                 setweight(to_tsvector('simple', search_body), 'B')",
            )
            .await;
        }
        let db = manager.get_connection();
        for table in TABLES {
            for trigger in ["insert", "delete", "update"] {
                db.execute_unprepared(&format!("DROP TRIGGER {table}_search_{trigger}"))
                    .await?;
            }
            db.execute_unprepared(&format!(
                "CREATE VIRTUAL TABLE {table}_fts USING fts5(id UNINDEXED, search_title, search_body, tokenize = 'unicode61 remove_diacritics 0'); \
                 INSERT INTO {table}_fts (id, search_title, search_body) SELECT id, search_title, search_body FROM {table}; \
                 CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN \
                   INSERT INTO {table}_fts (id, search_title, search_body) VALUES (new.id, new.search_title, new.search_body); END; \
                 CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN \
                   DELETE FROM {table}_fts WHERE id = old.id; END; \
                 CREATE TRIGGER {table}_fts_update AFTER UPDATE OF search_title, search_body ON {table} BEGIN \
                   DELETE FROM {table}_fts WHERE id = old.id; \
                   INSERT INTO {table}_fts (id, search_title, search_body) VALUES (new.id, new.search_title, new.search_body); END;"
            ))
            .await?;
        }
        db.execute_unprepared("DROP TABLE search_index").await?;
        Ok(())
    }
}
