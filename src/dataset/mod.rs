//! The curated dataset in `data/`: read into the same inputs the API takes, and applied
//! through the same write path, as the difference from what the database holds. Each rule
//! of a record is the write path's own; what this module adds is what only a curated,
//! hand-edited dataset needs: every record has a key, keys are unique in their file, the
//! Arabic follows the glossary, and a figure's own words agree with its qualifier.

mod apply;
pub mod wording;

use std::{
    collections::HashSet,
    fmt,
    path::{Path, PathBuf},
};

use anyhow::Context;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use serde_json::Value;

use crate::{
    domain::input::{Faults, Parse},
    error::FieldError,
    services::{
        claims::ClaimInput, companies::CompanyInput, countries::CountryInput, metrics::MetricInput,
        models::ModelInput, sources::SourceInput, statistics::StatisticInput,
    },
};
pub use apply::{Report, apply};

/// One record of a file: its key, the record as written (as JSON), and the input it reads
/// as (with placeholders where it does not; see `faults`).
#[derive(Debug, Clone)]
pub struct Entry<I> {
    /// Its key (slug, code or key): how it keeps its identity across loads.
    pub key: String,
    /// The record as the file writes it, as JSON.
    pub json: Value,
    /// What it reads as.
    pub input: I,
    /// What could not be read.
    pub faults: Vec<FieldError>,
}

/// Every file of the dataset, read.
#[derive(Debug, Default)]
pub struct Dataset {
    /// `countries.toml`
    pub countries: Vec<Entry<CountryInput>>,
    /// `sources.toml`
    pub sources: Vec<Entry<SourceInput>>,
    /// `companies.toml`
    pub companies: Vec<Entry<CompanyInput>>,
    /// `models.toml`
    pub models: Vec<Entry<ModelInput>>,
    /// `metrics.toml`
    pub metrics: Vec<Entry<MetricInput>>,
    /// `statistics.toml`
    pub statistics: Vec<Entry<StatisticInput>>,
    /// `claims.toml`
    pub claims: Vec<Entry<ClaimInput>>,
}

/// One thing wrong with the dataset, naming the file, the record and the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file, such as `claims.toml`.
    pub file: &'static str,
    /// The record's key.
    pub record: String,
    /// The field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: record `{}`, field `{}`: {}",
            self.file, self.record, self.field, self.message
        )
    }
}

/// The dataset could not be used; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A file could not be read or parsed.
    #[error("{file}: {message}")]
    File {
        /// The file's path.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The files parsed but break the dataset's rules.
    #[error("the dataset has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

/// Where each file's records are, and which field is their key.
const FILES: [(&str, &str, &str); 7] = [
    ("countries.toml", "countries", "code"),
    ("sources.toml", "sources", "key"),
    ("companies.toml", "companies", "slug"),
    ("models.toml", "models", "slug"),
    ("metrics.toml", "metrics", "key"),
    ("statistics.toml", "statistics", "key"),
    ("claims.toml", "claims", "key"),
];

impl Dataset {
    /// Reads every file in `dir`; a missing file counts as empty.
    pub fn read(dir: &Path) -> Result<Self, DatasetError> {
        Ok(Self {
            countries: read_file(dir, 0)?,
            sources: read_file(dir, 1)?,
            companies: read_file(dir, 2)?,
            models: read_file(dir, 3)?,
            metrics: read_file(dir, 4)?,
            statistics: read_file(dir, 5)?,
            claims: read_file(dir, 6)?,
        })
    }

    /// What is wrong with the files on their own, without the database: fields that do
    /// not read, missing or repeated keys, Arabic the glossary refuses, figures whose own
    /// words contradict their qualifier. The records' rules are checked as they are
    /// applied.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        faults_and_keys(&mut problems, FILES[0].0, &self.countries);
        faults_and_keys(&mut problems, FILES[1].0, &self.sources);
        faults_and_keys(&mut problems, FILES[2].0, &self.companies);
        faults_and_keys(&mut problems, FILES[3].0, &self.models);
        faults_and_keys(&mut problems, FILES[4].0, &self.metrics);
        faults_and_keys(&mut problems, FILES[5].0, &self.statistics);
        faults_and_keys(&mut problems, FILES[6].0, &self.claims);
        for (file, entries) in [
            (
                FILES[0].0,
                self.countries
                    .iter()
                    .map(|e| (&e.key, &e.json))
                    .collect::<Vec<_>>(),
            ),
            (
                FILES[1].0,
                self.sources.iter().map(|e| (&e.key, &e.json)).collect(),
            ),
            (
                FILES[2].0,
                self.companies.iter().map(|e| (&e.key, &e.json)).collect(),
            ),
            (
                FILES[3].0,
                self.models.iter().map(|e| (&e.key, &e.json)).collect(),
            ),
            (
                FILES[4].0,
                self.metrics.iter().map(|e| (&e.key, &e.json)).collect(),
            ),
            (
                FILES[5].0,
                self.statistics.iter().map(|e| (&e.key, &e.json)).collect(),
            ),
            (
                FILES[6].0,
                self.claims.iter().map(|e| (&e.key, &e.json)).collect(),
            ),
        ] {
            for (key, json) in entries {
                glossary(&mut problems, file, key, "", json);
            }
        }
        self.bounds(&mut problems);
        problems
    }

    /// Figures stored as exact whose own words put a bound before them ("more than 500",
    /// «نحو 97 مليون»): in their note, or in the original text of a claim citing them.
    fn bounds(&self, problems: &mut Vec<Problem>) {
        let check = |problems: &mut Vec<Problem>,
                     file,
                     record: &str,
                     field: &str,
                     text: &str,
                     stat: &Entry<StatisticInput>| {
            if stat
                .input
                .qualifier
                .is_some_and(|q| q != crate::domain::kinds::Qualifier::Exact)
            {
                return;
            }
            let Some(value) = stat.input.value else {
                return;
            };
            if let Some((qualifier, words)) = wording::stated_bound(text, value) {
                problems.push(Problem {
                    file,
                    record: record.to_owned(),
                    field: field.to_owned(),
                    message: format!(
                        "says «{words}» of statistic `{}`, which is stored as exact: give it `qualifier = \"{qualifier}\"`",
                        stat.key
                    ),
                });
            }
        };
        for stat in &self.statistics {
            if let Some(note) = &stat.input.note {
                check(problems, FILES[5].0, &stat.key, "note.en", &note.en, stat);
                check(problems, FILES[5].0, &stat.key, "note.ar", &note.ar, stat);
            }
        }
        for claim in &self.claims {
            for item in &claim.input.evidence {
                let Some(key) = &item.statistic else { continue };
                if let Some(stat) = self.statistics.iter().find(|s| &s.key == key) {
                    check(
                        problems,
                        FILES[6].0,
                        &claim.key,
                        "original.text",
                        &claim.input.original.text,
                        stat,
                    );
                }
            }
        }
    }
}

/// Records the faults of each entry, and keys that are missing or used twice.
fn faults_and_keys<I>(problems: &mut Vec<Problem>, file: &'static str, entries: &[Entry<I>]) {
    let key_field = FILES
        .iter()
        .find(|(name, _, _)| *name == file)
        .map_or("key", |(_, _, key)| key);
    let mut seen = HashSet::new();
    for (i, entry) in entries.iter().enumerate() {
        let record = match entry.key.as_str() {
            "" => format!("#{}", i + 1),
            key => key.to_owned(),
        };
        if entry.key.is_empty() {
            problems.push(Problem {
                file,
                record: record.clone(),
                field: key_field.to_owned(),
                message: "every record of the dataset needs its key".to_owned(),
            });
        } else if !seen.insert(entry.key.clone()) {
            problems.push(Problem {
                file,
                record: record.clone(),
                field: key_field.to_owned(),
                message: "is used by another record of this file".to_owned(),
            });
        }
        for fault in &entry.faults {
            problems.push(Problem {
                file,
                record: record.clone(),
                field: fault.field.clone(),
                message: fault.message.clone(),
            });
        }
    }
}

/// The glossary's rejected forms in every Arabic text of `value` (at `path`), except the
/// words as first published (`original`) and a source's own title.
fn glossary(
    problems: &mut Vec<Problem>,
    file: &'static str,
    record: &str,
    path: &str,
    value: &Value,
) {
    match value {
        Value::Object(object) => {
            if let (Some(Value::String(_)), Some(Value::String(ar))) =
                (object.get("en"), object.get("ar"))
            {
                for fault in wording::arabic_faults(ar) {
                    problems.push(Problem {
                        file,
                        record: record.to_owned(),
                        field: crate::domain::input::join(path, "ar"),
                        message: fault,
                    });
                }
            }
            for (name, value) in object {
                if path.is_empty() && (name == "original" || name == "title") {
                    continue;
                }
                glossary(
                    problems,
                    file,
                    record,
                    &crate::domain::input::join(path, name),
                    value,
                );
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                glossary(problems, file, record, &format!("{path}[{i}]"), item);
            }
        }
        _ => {}
    }
}

fn read_file<I: Parse>(dir: &Path, which: usize) -> Result<Vec<Entry<I>>, DatasetError> {
    let (name, table, key_field) = FILES[which];
    let path = dir.join(name);
    let failed = |message: String| DatasetError::File {
        file: path.clone(),
        message,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(failed(err.to_string())),
    };
    let document: toml::Table = toml::from_str(&text).map_err(|err| failed(err.to_string()))?;
    if let Some(other) = document.keys().find(|key| *key != table) {
        return Err(failed(format!(
            "`{other}` is not a table of this file; its records are `[[{table}]]`"
        )));
    }
    let records = match document.get(table) {
        None => return Ok(Vec::new()),
        Some(toml::Value::Array(records)) => records,
        Some(_) => {
            return Err(failed(format!(
                "`{table}` must be an array of tables, `[[{table}]]`"
            )));
        }
    };
    Ok(records
        .iter()
        .map(|record| {
            let mut json = to_json(record);
            let key = json[key_field].as_str().unwrap_or_default().to_owned();
            let (input, faults): (I, Faults) = I::from_json_partly(&mut json.clone());
            if !json.is_object() {
                json = Value::Object(Default::default());
            }
            Entry {
                key,
                json,
                input,
                faults: faults.into_errors(),
            }
        })
        .collect())
}

/// A TOML value as the JSON the API would take: dates and times as their text.
fn to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text.clone()),
        toml::Value::Integer(n) => Value::from(*n),
        toml::Value::Float(n) => {
            serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .iter()
                .map(|(key, value)| (key.clone(), to_json(value)))
                .collect(),
        ),
    }
}

/// Reads, checks and applies the dataset in `dir`. Nothing is written unless all of it is valid.
pub async fn seed(db: &DatabaseConnection, dir: &Path) -> anyhow::Result<Report> {
    let dataset = Dataset::read(dir)?;
    apply(db, &dataset)
        .await
        .with_context(|| format!("failed to load the dataset from {}", dir.display()))
}

/// Loads the dataset when the database holds no records yet.
pub async fn seed_if_empty(db: &DatabaseConnection, dir: &Path) -> anyhow::Result<()> {
    if entity::country::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let report = seed(db, dir).await?;
    tracing::info!(
        created = report.created,
        "loaded the curated dataset: {report}"
    );
    Ok(())
}
