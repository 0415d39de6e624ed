//! `sources.title` may be empty: a source whose own title could not be verified (a page
//! whose stored copy shows no headline) is cited by its publisher and address, never by a
//! title made up for it.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DatabaseBackend, sqlx},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                rebuild_sqlite(manager, "\"title\" text NOT NULL", "\"title\" text NULL").await
            }
            _ => {
                manager
                    .get_connection()
                    .execute_unprepared("ALTER TABLE sources ALTER COLUMN title DROP NOT NULL")
                    .await?;
                Ok(())
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE sources SET title = publisher WHERE title IS NULL")
            .await?;
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                rebuild_sqlite(manager, "\"title\" text NULL", "\"title\" text NOT NULL").await
            }
            _ => {
                db.execute_unprepared("ALTER TABLE sources ALTER COLUMN title SET NOT NULL")
                    .await?;
                Ok(())
            }
        }
    }
}

/// SQLite cannot change a column's constraint in place: the table is rebuilt as SQLite's
/// documentation sets out (create the new table, copy the rows, drop the old one, rename
/// the new one, recreate its indexes and triggers), with the column's definition `from`
/// replaced by `to`. Foreign keys are off while it runs, so that dropping the old table
/// neither deletes nor checks the rows that refer to it, and are checked before the change
/// commits. That needs one connection throughout, outside a transaction, as `PRAGMA
/// foreign_keys` is a no-op inside one.
async fn rebuild_sqlite(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let SchemaManagerConnection::Connection(db) = manager.get_connection() else {
        return Err(DbErr::Migration(
            "rebuilding `sources` on SQLite needs its own connection, not a transaction".to_owned(),
        ));
    };
    let failed = |err: sqlx::Error| DbErr::Migration(format!("rebuilding `sources`: {err}"));
    let mut conn = db
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(failed)?;
    let schema: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'sources' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(failed)?;
    let table = schema
        .iter()
        .find(|(kind, _)| kind == "table")
        .map(|(_, sql)| sql.as_str())
        .ok_or_else(|| DbErr::Migration("no table `sources`".to_owned()))?;
    if !table.contains(from) {
        return Err(DbErr::Migration(format!(
            "`sources` has no column defined as {from}"
        )));
    }
    let create = table.replacen(from, to, 1).replacen(
        &table[..table.find('(').unwrap_or_default()],
        "CREATE TABLE sources_rebuilt ",
        1,
    );
    sqlx::raw_sql("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(failed)?;
    let mut script = format!(
        "BEGIN; {create}; INSERT INTO sources_rebuilt SELECT * FROM sources; DROP TABLE sources; \
         ALTER TABLE sources_rebuilt RENAME TO sources;"
    );
    for (kind, sql) in &schema {
        if kind != "table" {
            script.push_str(&format!(" {sql};"));
        }
    }
    // The script is the table's own schema, read back from `sqlite_master`, and fixed text.
    let rebuilt = sqlx::raw_sql(sqlx::AssertSqlSafe(script))
        .execute(&mut *conn)
        .await;
    let checked = match rebuilt {
        Ok(_) => {
            let broken: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(failed)?;
            if broken.is_empty() {
                sqlx::raw_sql("COMMIT")
                    .execute(&mut *conn)
                    .await
                    .map(|_| ())
                    .map_err(failed)
            } else {
                Err(DbErr::Migration(format!(
                    "rebuilding `sources` broke foreign keys of {broken:?}"
                )))
            }
        }
        Err(err) => Err(failed(err)),
    };
    if checked.is_err() {
        // Whatever failed, the connection goes back to the pool with no transaction open.
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
    }
    sqlx::raw_sql("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .map_err(failed)?;
    checked
}
