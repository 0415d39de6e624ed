//! Applies the dataset through the write path, in one write by `dataset`: creates what is
//! new, changes what differs, deletes what the dataset created and no longer holds, each
//! change with its revision and event. Records created through the API are never deleted
//! here. Every record is checked by the same rules as an editor's write; when any record
//! is refused, the whole write is rolled back and every problem reported.

use std::{collections::HashSet, fmt};

use entity::revision;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{Dataset, DatasetError, Entry, FILES, Problem};
use crate::services::{
    changes::{Action, DATASET, Writer},
    claims::Claims,
    companies::Companies,
    countries::Countries,
    metrics::Metrics,
    models::Models,
    resources::{self, Expect, Resource},
    sources::Sources,
    statistics::Statistics,
    writes::WriteError,
};

/// What a load changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Records created.
    pub created: u64,
    /// Records changed.
    pub updated: u64,
    /// Records deleted.
    pub deleted: u64,
    /// Records already as the dataset has them.
    pub unchanged: u64,
}

impl Report {
    /// Whether the load changed nothing.
    pub fn is_empty(&self) -> bool {
        self.created + self.updated + self.deleted == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} deleted, {} unchanged",
            self.created, self.updated, self.deleted, self.unchanged
        )
    }
}

/// What became of one record of the files.
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

struct Loader {
    writer: Writer,
    report: Report,
    problems: Vec<Problem>,
    created_by_dataset: HashSet<Uuid>,
}

/// Applies `data`: every record, or (when any is refused) none.
pub async fn apply(db: &DatabaseConnection, data: &Dataset) -> Result<Report, DatasetError> {
    let mut problems = data.problems();
    let writer = Writer::begin(db, DATASET).await.map_err(database)?;
    let created_by_dataset = created_by_dataset(&writer).await.map_err(database)?;
    let mut loader = Loader {
        writer,
        report: Report::default(),
        problems: Vec::new(),
        created_by_dataset,
    };
    // In dependency order: what a record refers to is written before it.
    let mut countries: Vec<_> = data.countries.iter().collect();
    countries.sort_by_key(|entry| !entry.input.members.is_empty());
    loader.put::<Countries>(FILES[0].0, countries).await?;
    loader
        .put::<Sources>(FILES[1].0, data.sources.iter().collect())
        .await?;
    loader
        .put::<Companies>(FILES[2].0, data.companies.iter().collect())
        .await?;
    loader
        .put::<Models>(FILES[3].0, lineage_order(&data.models))
        .await?;
    loader
        .put::<Metrics>(FILES[4].0, data.metrics.iter().collect())
        .await?;
    loader
        .put::<Statistics>(FILES[5].0, data.statistics.iter().collect())
        .await?;
    loader
        .put::<Claims>(FILES[6].0, data.claims.iter().collect())
        .await?;
    // Deletions, what refers to others first.
    loader
        .remove::<Claims>(FILES[6].0, keys(&data.claims))
        .await?;
    loader
        .remove::<Statistics>(FILES[5].0, keys(&data.statistics))
        .await?;
    loader
        .remove::<Metrics>(FILES[4].0, keys(&data.metrics))
        .await?;
    loader
        .remove::<Models>(FILES[3].0, keys(&data.models))
        .await?;
    loader
        .remove::<Companies>(FILES[2].0, keys(&data.companies))
        .await?;
    loader
        .remove::<Sources>(FILES[1].0, keys(&data.sources))
        .await?;
    loader
        .remove::<Countries>(FILES[0].0, keys(&data.countries))
        .await?;
    problems.extend(loader.problems);
    if !problems.is_empty() {
        // The writer is dropped: its transaction rolls back.
        return Err(DatasetError::Invalid(problems));
    }
    loader.writer.commit().await.map_err(database)?;
    Ok(loader.report)
}

fn database(err: sea_orm::DbErr) -> DatasetError {
    DatasetError::File {
        file: "(database)".into(),
        message: err.to_string(),
    }
}

fn keys<I>(entries: &[Entry<I>]) -> HashSet<&str> {
    entries.iter().map(|entry| entry.key.as_str()).collect()
}

impl Loader {
    /// Creates or changes each record of `file` as it is written.
    async fn put<R: Resource>(
        &mut self,
        file: &'static str,
        entries: Vec<&Entry<R::Input>>,
    ) -> Result<(), DatasetError> {
        for entry in entries {
            if entry.key.is_empty() || !entry.faults.is_empty() {
                // Already reported; its fields cannot be checked further.
                continue;
            }
            let json = entry.json.clone();
            let result = match R::row(self.writer.db(), &entry.key)
                .await
                .map_err(database)?
            {
                None => resources::create_json::<R>(&mut self.writer, json)
                    .await
                    .map(|_| Outcome::Created),
                Some(_) => resources::update_json::<R>(
                    &mut self.writer,
                    &entry.key,
                    &Expect::Nothing,
                    |input| {
                        *input = json;
                        Ok(())
                    },
                )
                .await
                .map(|saved| match saved.changed {
                    true => Outcome::Updated,
                    false => Outcome::Unchanged,
                }),
            };
            match result {
                Ok(Outcome::Created) => self.report.created += 1,
                Ok(Outcome::Updated) => self.report.updated += 1,
                Ok(Outcome::Unchanged) => self.report.unchanged += 1,
                Err(err) => self.refused(file, &entry.key, err)?,
            }
        }
        Ok(())
    }

    /// Deletes each record of `R` that the dataset created and `kept` no longer holds.
    async fn remove<R: Resource>(
        &mut self,
        file: &'static str,
        kept: HashSet<&str>,
    ) -> Result<(), DatasetError> {
        let rows = R::Entity::find()
            .all(self.writer.db())
            .await
            .map_err(database)?;
        let mut gone: Vec<R::Model> = rows
            .into_iter()
            .filter(|row| {
                self.created_by_dataset.contains(&R::id(row))
                    && !kept.contains(R::key(row).as_str())
            })
            .collect();
        // A derived model before its base: retry what is still cited until nothing moves.
        let mut progress = true;
        while progress && !gone.is_empty() {
            progress = false;
            let mut left = Vec::new();
            for row in gone {
                let key = R::key(&row);
                match resources::delete::<R>(&mut self.writer, &key, &Expect::Nothing).await {
                    Ok(_) => {
                        self.report.deleted += 1;
                        progress = true;
                    }
                    Err(WriteError::Conflict { .. }) => left.push(row),
                    Err(err) => self.refused(file, &key, err)?,
                }
            }
            gone = left;
        }
        for row in gone {
            let key = R::key(&row);
            if let Err(err) = resources::delete::<R>(&mut self.writer, &key, &Expect::Nothing).await
            {
                self.refused(file, &key, err)?;
            }
        }
        Ok(())
    }

    /// Records why `record` of `file` was refused; a database failure ends the load.
    fn refused(
        &mut self,
        file: &'static str,
        record: &str,
        err: WriteError,
    ) -> Result<(), DatasetError> {
        let problem = |field: String, message: String| Problem {
            file,
            record: record.to_owned(),
            field,
            message,
        };
        match err {
            WriteError::Invalid(errors) => self
                .problems
                .extend(errors.into_iter().map(|e| problem(e.field, e.message))),
            WriteError::Conflict { field, message } => self.problems.push(problem(field, message)),
            WriteError::NotFound { resource, id } => self
                .problems
                .push(problem("(record)".into(), format!("no {resource} `{id}`"))),
            WriteError::Stale => self.problems.push(problem(
                "(record)".into(),
                "changed by another writer during the load; load again".into(),
            )),
            WriteError::Db(err) => return Err(database(err)),
            WriteError::Unexpected(err) => {
                return Err(DatasetError::File {
                    file: file.into(),
                    message: format!("record `{record}`: {err:#}"),
                });
            }
        }
        Ok(())
    }
}

/// The ids of the records whose creation the dataset recorded.
async fn created_by_dataset(writer: &Writer) -> Result<HashSet<Uuid>, sea_orm::DbErr> {
    let ids: Vec<Uuid> = revision::Entity::find()
        .select_only()
        .column(revision::Column::RecordId)
        .filter(revision::Column::Actor.eq(DATASET))
        .filter(revision::Column::Action.eq(Action::Create.as_str()))
        .into_tuple()
        .all(writer.db())
        .await?;
    Ok(ids.into_iter().collect())
}

/// The models in an order where each one's base model comes before it.
fn lineage_order(
    models: &[Entry<crate::services::models::ModelInput>],
) -> Vec<&Entry<crate::services::models::ModelInput>> {
    let base = |slug: &str| {
        models
            .iter()
            .find(|m| m.key == slug)
            .and_then(|m| m.input.base_model.as_deref())
    };
    let depth = |slug: &str| {
        let mut depth = 0;
        let mut current = slug;
        while let Some(next) = base(current) {
            depth += 1;
            current = next;
            if depth > models.len() {
                break;
            }
        }
        depth
    };
    let mut ordered: Vec<_> = models.iter().collect();
    ordered.sort_by_key(|m| depth(&m.key));
    ordered
}
