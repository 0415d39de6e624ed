//! The curated dataset in `data/`: read, checked as a whole, then applied to the database
//! as the difference from what is there, each change with its revision.

mod apply;
pub mod files;
pub mod wording;

use std::{
    collections::HashSet,
    fmt,
    path::{Path, PathBuf},
};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use serde::de::DeserializeOwned;
use toml::value::Datetime;

use crate::domain::{
    kinds::{
        CompanyKind, CountryKind, Method, Modality, Openness, PeriodPrecision, Qualifier, Relation,
        SourceKind, SubjectType, Verdict,
    },
    lang::Localized,
};
pub use apply::Report;

/// Every file of the dataset, parsed.
#[derive(Debug, Default)]
pub struct Dataset {
    /// `countries.toml`
    pub countries: files::CountriesFile,
    /// `sources.toml`
    pub sources: files::SourcesFile,
    /// `companies.toml`
    pub companies: files::CompaniesFile,
    /// `models.toml`
    pub models: files::ModelsFile,
    /// `metrics.toml`
    pub metrics: files::MetricsFile,
    /// `statistics.toml`
    pub statistics: files::StatisticsFile,
    /// `claims.toml`
    pub claims: files::ClaimsFile,
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

impl Dataset {
    /// Reads every file in `dir`; a missing file counts as empty.
    pub fn read(dir: &Path) -> Result<Self, DatasetError> {
        Ok(Self {
            countries: read_file(dir, "countries.toml")?,
            sources: read_file(dir, "sources.toml")?,
            companies: read_file(dir, "companies.toml")?,
            models: read_file(dir, "models.toml")?,
            metrics: read_file(dir, "metrics.toml")?,
            statistics: read_file(dir, "statistics.toml")?,
            claims: read_file(dir, "claims.toml")?,
        })
    }

    /// Every rule the dataset breaks; empty when it can be loaded.
    pub fn problems(&self) -> Vec<Problem> {
        Checker::default().check(self)
    }
}

fn read_file<T: DeserializeOwned + Default>(dir: &Path, name: &str) -> Result<T, DatasetError> {
    let path = dir.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(T::default()),
        Err(err) => {
            return Err(DatasetError::File {
                file: path,
                message: err.to_string(),
            });
        }
    };
    toml::from_str(&text).map_err(|err| DatasetError::File {
        file: path,
        message: err.to_string(),
    })
}

/// Reads, checks and applies the dataset in `dir`. Nothing is written unless all of it is valid.
pub async fn seed(db: &DatabaseConnection, dir: &Path) -> anyhow::Result<Report> {
    let dataset = Dataset::read(dir)?;
    let problems = dataset.problems();
    if !problems.is_empty() {
        return Err(DatasetError::Invalid(problems).into());
    }
    apply::apply(db, &dataset)
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

/// A TOML date-only value as a date.
pub fn date_of(value: &Datetime) -> Option<NaiveDate> {
    match (value.date, value.time) {
        (Some(date), None) => {
            NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        }
        _ => None,
    }
}

/// A TOML offset date-time as a UTC timestamp.
pub fn timestamp_of(value: &Datetime) -> Option<DateTime<Utc>> {
    value.offset?;
    DateTime::parse_from_rfc3339(&value.to_string())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(
        &mut self,
        file: &'static str,
        record: &str,
        field: &str,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            file,
            record: record.to_owned(),
            field: field.to_owned(),
            message: message.into(),
        });
    }

    fn key(&mut self, file: &'static str, seen: &mut HashSet<String>, key: &str, field: &str) {
        let valid = !key.is_empty()
            && key.len() <= 100
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid {
            self.problem(
                file,
                key,
                field,
                "must be 1 to 100 lowercase ASCII letters, digits, hyphens or underscores",
            );
        }
        if !seen.insert(key.to_owned()) {
            self.problem(file, key, field, "is used by another record of this file");
        }
    }

    /// Checks a localized text: both languages given, the Arabic worded as the glossary
    /// says (`data/README.md`).
    fn text(&mut self, file: &'static str, record: &str, field: &str, text: &Localized) {
        if text.en.trim().is_empty() {
            self.problem(file, record, &format!("{field}.en"), "must not be blank");
        }
        if text.ar.trim().is_empty() {
            self.problem(file, record, &format!("{field}.ar"), "must not be blank");
        }
        for fault in wording::arabic_faults(&text.ar) {
            self.problem(file, record, &format!("{field}.ar"), fault);
        }
    }

    /// A figure stored as exact whose own words say it is not: "more than 500", «نحو 97».
    fn unqualified_bound(
        &mut self,
        file: &'static str,
        record: &str,
        field: &str,
        text: &str,
        stat: &files::Statistic,
    ) {
        if stat
            .qualifier
            .as_deref()
            .is_some_and(|q| q != Qualifier::Exact.as_str())
        {
            return;
        }
        let Some(value) = stat.value else { return };
        if let Some((qualifier, words)) = wording::stated_bound(text, value) {
            self.problem(
                file,
                record,
                field,
                format!(
                    "says «{words}» of statistic `{}`, which is stored as exact: give it `qualifier = \"{qualifier}\"`",
                    stat.key
                ),
            );
        }
    }

    fn one_of<T>(
        &mut self,
        file: &'static str,
        record: &str,
        field: &str,
        value: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) {
        if parse(value).is_none() {
            self.problem(
                file,
                record,
                field,
                format!("`{value}` is not {}", expected()),
            );
        }
    }

    fn reference(
        &mut self,
        file: &'static str,
        record: &str,
        field: &str,
        value: &str,
        known: &HashSet<String>,
        what: &str,
    ) {
        if !known.contains(value) {
            self.problem(
                file,
                record,
                field,
                format!("no {what} has the key `{value}`"),
            );
        }
    }

    fn url(&mut self, file: &'static str, record: &str, field: &str, value: &str) {
        if !(value.starts_with("https://") || value.starts_with("http://"))
            || value.contains(char::is_whitespace)
        {
            self.problem(file, record, field, "must be an http(s) URL");
        }
    }

    fn date(
        &mut self,
        file: &'static str,
        record: &str,
        field: &str,
        value: &Datetime,
    ) -> Option<NaiveDate> {
        let date = date_of(value);
        if date.is_none() {
            self.problem(file, record, field, "must be a date such as 2025-01-20");
        }
        date
    }

    fn check(mut self, data: &Dataset) -> Vec<Problem> {
        let mut countries = HashSet::new();
        for country in &data.countries.countries {
            let code = &country.code;
            match CountryKind::parse(&country.kind) {
                Some(CountryKind::Country)
                    if !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())) =>
                {
                    self.problem(
                        "countries.toml",
                        code,
                        "code",
                        "a country's code is its ISO 3166-1 alpha-2 code, upper-case",
                    );
                }
                Some(CountryKind::Region | CountryKind::Group)
                    if code.len() < 3
                        || code.bytes().any(|b| {
                            !(b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
                        }) =>
                {
                    self.problem(
                        "countries.toml",
                        code,
                        "code",
                        "a region's or group's code is a lower-case slug of 3 or more characters",
                    );
                }
                None => self.problem(
                    "countries.toml",
                    code,
                    "kind",
                    format!("`{}` is not {}", country.kind, CountryKind::expected()),
                ),
                _ => {}
            }
            if !countries.insert(code.clone()) {
                self.problem(
                    "countries.toml",
                    code,
                    "code",
                    "is used by another record of this file",
                );
            }
            self.text("countries.toml", code, "name", &country.name);
        }
        let in_global_south: std::collections::HashMap<&str, bool> = data
            .countries
            .countries
            .iter()
            .map(|c| (c.code.as_str(), c.global_south))
            .collect();
        for country in &data.countries.countries {
            for member in &country.members {
                self.reference(
                    "countries.toml",
                    &country.code,
                    "members",
                    member,
                    &countries,
                    "country",
                );
            }
            // A region or group counts in the Global South when most of its countries do.
            let counted = country
                .members
                .iter()
                .filter(|m| in_global_south.get(m.as_str()).copied().unwrap_or_default())
                .count();
            if !country.members.is_empty()
                && (counted * 2 > country.members.len()) != country.global_south
            {
                self.problem(
                    "countries.toml",
                    &country.code,
                    "global_south",
                    format!(
                        "{counted} of its {} members count in the Global South, so it should be `{}`",
                        country.members.len(),
                        counted * 2 > country.members.len()
                    ),
                );
            }
        }

        let mut sources = HashSet::new();
        for source in &data.sources.sources {
            let key = &source.key;
            self.key("sources.toml", &mut sources, key, "key");
            self.url("sources.toml", key, "url", &source.url);
            if let Some(archive) = &source.archive_url {
                self.url("sources.toml", key, "archive_url", archive);
            }
            self.one_of(
                "sources.toml",
                key,
                "kind",
                &source.kind,
                SourceKind::parse,
                SourceKind::expected,
            );
            if !(source.language.len() == 2
                && source.language.bytes().all(|b| b.is_ascii_lowercase()))
            {
                self.problem(
                    "sources.toml",
                    key,
                    "language",
                    "must be an ISO 639-1 code such as `ar`",
                );
            }
            if source.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
                self.problem(
                    "sources.toml",
                    key,
                    "title",
                    "must not be blank; leave it out when it is not known",
                );
            }
            if source.publisher.trim().is_empty() {
                self.problem("sources.toml", key, "publisher", "must not be blank");
            }
            if let Some(published) = &source.published {
                self.date("sources.toml", key, "published", published);
            }
            if source
                .retrieved_at
                .as_ref()
                .is_some_and(|t| timestamp_of(t).is_none())
            {
                self.problem(
                    "sources.toml",
                    key,
                    "retrieved_at",
                    "must be a date-time with an offset, such as 2025-11-25T00:00:00Z",
                );
            }
            if let Some(note) = &source.note {
                self.text("sources.toml", key, "note", note);
            }
        }

        let mut companies = HashSet::new();
        for company in &data.companies.companies {
            let key = &company.slug;
            self.key("companies.toml", &mut companies, key, "slug");
            self.text("companies.toml", key, "name", &company.name);
            self.text("companies.toml", key, "description", &company.description);
            self.one_of(
                "companies.toml",
                key,
                "kind",
                &company.kind,
                CompanyKind::parse,
                CompanyKind::expected,
            );
            self.reference(
                "companies.toml",
                key,
                "country",
                &company.country,
                &countries,
                "country",
            );
            if let Some(source) = &company.source {
                self.reference("companies.toml", key, "source", source, &sources, "source");
            }
            if let Some(headquarters) = &company.headquarters {
                self.text("companies.toml", key, "headquarters", headquarters);
            }
            if let Some(website) = &company.website {
                self.url("companies.toml", key, "website", website);
            }
            if company
                .founded
                .is_some_and(|year| !(1800..=2100).contains(&year))
            {
                self.problem(
                    "companies.toml",
                    key,
                    "founded",
                    "must be a year from 1800 to 2100",
                );
            }
        }

        let mut models = HashSet::new();
        for model in &data.models.models {
            self.key("models.toml", &mut models, &model.slug, "slug");
        }
        for model in &data.models.models {
            let key = &model.slug;
            if model.name.trim().is_empty() {
                self.problem("models.toml", key, "name", "must not be blank");
            }
            self.text("models.toml", key, "description", &model.description);
            self.reference(
                "models.toml",
                key,
                "company",
                &model.company,
                &companies,
                "company",
            );
            self.reference(
                "models.toml",
                key,
                "country",
                &model.country,
                &countries,
                "country",
            );
            self.one_of(
                "models.toml",
                key,
                "openness",
                &model.openness,
                Openness::parse,
                Openness::expected,
            );
            for modality in &model.modalities {
                self.one_of(
                    "models.toml",
                    key,
                    "modalities",
                    modality,
                    Modality::parse,
                    Modality::expected,
                );
            }
            if let Some(base) = &model.base_model {
                self.reference("models.toml", key, "base_model", base, &models, "model");
                if base == key {
                    self.problem(
                        "models.toml",
                        key,
                        "base_model",
                        "a model cannot derive from itself",
                    );
                }
            }
            if let Some(source) = &model.source {
                self.reference("models.toml", key, "source", source, &sources, "source");
            }
            if let Some(released) = &model.released {
                self.date("models.toml", key, "released", released);
            }
            for (field, value) in [
                ("parameters_total", model.parameters_total),
                ("parameters_active", model.parameters_active),
                ("context_window", model.context_window),
            ] {
                if value.is_some_and(|n| n <= 0) {
                    self.problem("models.toml", key, field, "must be positive");
                }
            }
            if let (Some(total), Some(active)) = (model.parameters_total, model.parameters_active)
                && active > total
            {
                self.problem(
                    "models.toml",
                    key,
                    "parameters_active",
                    "cannot exceed parameters_total",
                );
            }
            if let Some(note) = &model.note {
                self.text("models.toml", key, "note", note);
            }
        }
        self.lineage(data);

        let mut metrics = HashSet::new();
        for metric in &data.metrics.metrics {
            self.key("metrics.toml", &mut metrics, &metric.key, "key");
            self.text("metrics.toml", &metric.key, "name", &metric.name);
            self.text(
                "metrics.toml",
                &metric.key,
                "description",
                &metric.description,
            );
        }

        let mut statistics = HashSet::new();
        for stat in &data.statistics.statistics {
            let key = &stat.key;
            self.key("statistics.toml", &mut statistics, key, "key");
            self.reference(
                "statistics.toml",
                key,
                "metric",
                &stat.metric,
                &metrics,
                "metric",
            );
            match SubjectType::parse(&stat.subject_type) {
                Some(SubjectType::Model) => self.reference(
                    "statistics.toml",
                    key,
                    "subject",
                    &stat.subject,
                    &models,
                    "model",
                ),
                Some(SubjectType::Company) => self.reference(
                    "statistics.toml",
                    key,
                    "subject",
                    &stat.subject,
                    &companies,
                    "company",
                ),
                Some(SubjectType::Country) => self.reference(
                    "statistics.toml",
                    key,
                    "subject",
                    &stat.subject,
                    &countries,
                    "country",
                ),
                None => self.problem(
                    "statistics.toml",
                    key,
                    "subject_type",
                    format!("`{}` is not {}", stat.subject_type, SubjectType::expected()),
                ),
            }
            if let Some(scope) = &stat.scope_country {
                self.reference(
                    "statistics.toml",
                    key,
                    "scope_country",
                    scope,
                    &countries,
                    "country",
                );
            }
            match (stat.value, stat.value_low, stat.value_high) {
                (Some(value), None, None) if value.is_finite() => {}
                (None, Some(low), Some(high)) if low.is_finite() && high.is_finite() => {
                    if low > high {
                        self.problem(
                            "statistics.toml",
                            key,
                            "value_low",
                            "cannot exceed value_high",
                        );
                    }
                }
                _ => self.problem(
                    "statistics.toml",
                    key,
                    "value",
                    "give either `value`, or both `value_low` and `value_high`, as finite numbers",
                ),
            }
            if let Some(qualifier) = &stat.qualifier {
                match Qualifier::parse(qualifier) {
                    None => self.problem(
                        "statistics.toml",
                        key,
                        "qualifier",
                        format!("`{qualifier}` is not {}", Qualifier::expected()),
                    ),
                    Some(q) if q.is_bound() && stat.value.is_none() => self.problem(
                        "statistics.toml",
                        key,
                        "qualifier",
                        format!("`{q}` bounds a single `value`; a range is already two bounds"),
                    ),
                    Some(_) => {}
                }
            }
            if let Some(note) = &stat.note {
                self.unqualified_bound("statistics.toml", key, "note.en", &note.en, stat);
                self.unqualified_bound("statistics.toml", key, "note.ar", &note.ar, stat);
            }
            if stat.unit.trim().is_empty() {
                self.problem("statistics.toml", key, "unit", "must not be blank");
            }
            let start = self.date("statistics.toml", key, "period_start", &stat.period_start);
            let end = stat
                .period_end
                .as_ref()
                .and_then(|end| self.date("statistics.toml", key, "period_end", end));
            if let (Some(start), Some(end)) = (start, end)
                && end < start
            {
                self.problem(
                    "statistics.toml",
                    key,
                    "period_end",
                    "cannot be before period_start",
                );
            }
            match stat.period_precision.as_deref().map(PeriodPrecision::parse) {
                Some(None) => self.problem(
                    "statistics.toml",
                    key,
                    "period_precision",
                    format!(
                        "`{}` is not {}",
                        stat.period_precision.as_deref().unwrap_or_default(),
                        PeriodPrecision::expected()
                    ),
                ),
                Some(Some(precision)) => {
                    if let Some(start) = start
                        && let Some((field, message)) = precision.fault(start, end)
                    {
                        self.problem("statistics.toml", key, field, message);
                    }
                }
                None => {}
            }
            self.one_of(
                "statistics.toml",
                key,
                "method",
                &stat.method,
                Method::parse,
                Method::expected,
            );
            match &stat.source {
                Some(source) => {
                    self.reference("statistics.toml", key, "source", source, &sources, "source")
                }
                None => self.problem(
                    "statistics.toml",
                    key,
                    "source",
                    "every statistic needs a source",
                ),
            }
            if let Some(note) = &stat.note {
                self.text("statistics.toml", key, "note", note);
            }
        }

        let by_key: std::collections::HashMap<&str, &files::Statistic> = data
            .statistics
            .statistics
            .iter()
            .map(|stat| (stat.key.as_str(), stat))
            .collect();
        let mut claims = HashSet::new();
        for claim in &data.claims.claims {
            let key = &claim.key;
            for item in &claim.evidence {
                if let Some(stat) = item.statistic.as_deref().and_then(|k| by_key.get(k)) {
                    self.unqualified_bound(
                        "claims.toml",
                        key,
                        "original.text",
                        &claim.original.text,
                        stat,
                    );
                }
            }
            self.key("claims.toml", &mut claims, key, "key");
            self.text("claims.toml", key, "text", &claim.text);
            self.text("claims.toml", key, "claimant.name", &claim.claimant.name);
            if let Some(role) = &claim.claimant.role {
                self.text("claims.toml", key, "claimant.role", role);
            }
            if let Some(company) = &claim.claimant.company {
                self.reference(
                    "claims.toml",
                    key,
                    "claimant.company",
                    company,
                    &companies,
                    "company",
                );
            }
            if claim.original.text.trim().is_empty() {
                self.problem("claims.toml", key, "original.text", "must not be blank");
            }
            if !(claim.original.language.len() == 2
                && claim
                    .original
                    .language
                    .bytes()
                    .all(|b| b.is_ascii_lowercase()))
            {
                self.problem(
                    "claims.toml",
                    key,
                    "original.language",
                    "must be an ISO 639-1 code such as `ar`",
                );
            }
            if let Some(stated) = &claim.stated {
                self.date("claims.toml", key, "stated", stated);
            }
            match &claim.source {
                Some(source) => {
                    self.reference("claims.toml", key, "source", source, &sources, "source")
                }
                None => self.problem(
                    "claims.toml",
                    key,
                    "source",
                    "every claim needs the source it appeared in",
                ),
            }
            for topic in &claim.topics {
                let valid = !topic.is_empty()
                    && topic
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid {
                    self.problem(
                        "claims.toml",
                        key,
                        "topics",
                        format!("`{topic}` must be lowercase kebab-case"),
                    );
                }
            }
            for subject in &claim.subjects {
                match SubjectType::parse(&subject.kind) {
                    Some(SubjectType::Model) => self.reference(
                        "claims.toml",
                        key,
                        "subjects",
                        &subject.key,
                        &models,
                        "model",
                    ),
                    Some(SubjectType::Company) => self.reference(
                        "claims.toml",
                        key,
                        "subjects",
                        &subject.key,
                        &companies,
                        "company",
                    ),
                    Some(SubjectType::Country) => self.reference(
                        "claims.toml",
                        key,
                        "subjects",
                        &subject.key,
                        &countries,
                        "country",
                    ),
                    None => self.problem(
                        "claims.toml",
                        key,
                        "subjects.type",
                        format!("`{}` is not {}", subject.kind, SubjectType::expected()),
                    ),
                }
            }
            for item in &claim.evidence {
                self.one_of(
                    "claims.toml",
                    key,
                    "evidence.relation",
                    &item.relation,
                    Relation::parse,
                    Relation::expected,
                );
                match (&item.statistic, &item.source) {
                    (Some(stat), None) => self.reference(
                        "claims.toml",
                        key,
                        "evidence.statistic",
                        stat,
                        &statistics,
                        "statistic",
                    ),
                    (None, Some(source)) => self.reference(
                        "claims.toml",
                        key,
                        "evidence.source",
                        source,
                        &sources,
                        "source",
                    ),
                    _ => self.problem(
                        "claims.toml",
                        key,
                        "evidence",
                        "each piece of evidence names either a statistic or a source",
                    ),
                }
                if let Some(note) = &item.note {
                    self.text("claims.toml", key, "evidence.note", note);
                }
            }
            match Verdict::parse(&claim.verdict) {
                None => self.problem(
                    "claims.toml",
                    key,
                    "verdict",
                    format!("`{}` is not {}", claim.verdict, Verdict::expected()),
                ),
                Some(verdict) if verdict.needs_evidence() => {
                    if claim.verdict_summary.is_none() {
                        self.problem(
                            "claims.toml",
                            key,
                            "verdict_summary",
                            format!("a `{verdict}` verdict needs a summary in English and Arabic"),
                        );
                    }
                    if claim.evidence.is_empty() {
                        self.problem(
                            "claims.toml",
                            key,
                            "evidence",
                            format!("a `{verdict}` verdict needs at least one piece of evidence"),
                        );
                    }
                }
                Some(_) => {}
            }
            if let Some(summary) = &claim.verdict_summary {
                self.text("claims.toml", key, "verdict_summary", summary);
            }
        }
        self.problems
    }

    /// Base-model links must not loop.
    fn lineage(&mut self, data: &Dataset) {
        let base: std::collections::HashMap<&str, &str> = data
            .models
            .models
            .iter()
            .filter_map(|m| Some((m.slug.as_str(), m.base_model.as_deref()?)))
            .collect();
        for start in base.keys() {
            let mut seen = HashSet::from([*start]);
            let mut current = *start;
            while let Some(next) = base.get(current) {
                if !seen.insert(next) {
                    self.problem(
                        "models.toml",
                        start,
                        "base_model",
                        "base_model links form a loop",
                    );
                    break;
                }
                current = next;
            }
        }
    }
}
