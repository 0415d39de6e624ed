//! On PostgreSQL, each searchable field is read once, by one text search configuration
//! (`english_arabic`), instead of once by `english` and again by `arabic`.
//!
//! `english_arabic` is `english` with words of non-ASCII letters (Arabic) sent to the
//! Arabic stemmer and its stop words. Each configuration left the other script's words as
//! they were, so every word was in the vector twice: once stemmed, once as the service had
//! written it. Queries are read by the same configuration, so a query matches the records
//! it matched before but for two cases: stop words no longer match as written (a query of
//! stop words alone matches nothing, as it did under `english` alone), and the rare token
//! that a second stemming changes matches only in its stemmed form. Computing the vectors
//! costs half what it did, on every write and on a bulk load. The migration rewrites each
//! searchable table once, computing its vectors again. SQLite is unchanged.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

use crate::m20251129_000006_search_configurations::{ENGLISH_AND_ARABIC, rebuild_vectors};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each searchable field read by `english_arabic`, the title weighing `A`, the body `B`.
const ONE_READING: &str = "setweight(to_tsvector('english_arabic', search_title), 'A') || \
     setweight(to_tsvector('english_arabic', search_body), 'B')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TEXT SEARCH CONFIGURATION english_arabic (COPY = english); \
                 ALTER TEXT SEARCH CONFIGURATION english_arabic \
                   ALTER MAPPING FOR word, hword, hword_part WITH arabic_stem",
            )
            .await?;
        rebuild_vectors(manager, ONE_READING).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        rebuild_vectors(manager, ENGLISH_AND_ARABIC).await?;
        manager
            .get_connection()
            .execute_unprepared("DROP TEXT SEARCH CONFIGURATION english_arabic")
            .await?;
        Ok(())
    }
}
