//! A deterministic data set at a chosen scale, on top of the curated dataset: the same
//! seed and scale always give the same rows, ids included.
//!
//! At scale 1: 5,000 companies, 50,000 sources, 20,000 models, 1,000,000 statistics
//! (six in ten under the `downloads` metric) and 100,000 claims, each with one to three
//! pieces of evidence, a subject and a topic. Every text is filled in English and Arabic
//! and indexed for search as the service indexes it. And a change log of 100,000 events
//! after the curated dataset's, each carrying the representation of a curated statistic or
//! claim (a change log's real sizes), one in ten of the claims' a verdict change too.

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{
    claim, claim_subject, claim_topic, company, event, evidence, metric, model, source, statistic,
};
use mizan::{
    domain::kinds::{CompanyKind, Method, Openness, Relation, SourceKind, Verdict},
    services::resources::Resource,
};
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IdenStatic,
    IntoActiveModel, Iterable, ModelTrait, QueryOrder, Value, sqlx::postgres::PgPoolCopyExt,
};
use uuid::Uuid;

/// How many rows of each kind scale 1 makes.
const COMPANIES: f64 = 5_000.0;
const SOURCES: f64 = 50_000.0;
const MODELS: f64 = 20_000.0;
const STATISTICS: f64 = 1_000_000.0;
const CLAIMS: f64 = 100_000.0;
const EVENTS: f64 = 100_000.0;

/// Rows per INSERT: under PostgreSQL's 65,535 parameters for the widest table.
const BATCH: usize = 1_000;

/// Connections writing statistics at once.
const WRITERS: usize = 3;

/// Loading tasks, at most [`WRITERS`] running at once.
struct Writers(tokio::task::JoinSet<anyhow::Result<()>>);

impl Writers {
    fn new() -> Self {
        Self(tokio::task::JoinSet::new())
    }

    /// Starts `task` once fewer than [`WRITERS`] are running, failing with the first
    /// finished task that failed.
    async fn spawn(
        &mut self,
        task: impl Future<Output = anyhow::Result<()>> + Send + 'static,
    ) -> anyhow::Result<()> {
        while self.0.len() >= WRITERS {
            if let Some(done) = self.0.join_next().await {
                done??;
            }
        }
        self.0.spawn(task);
        Ok(())
    }

    /// Writes `rows` in chunks of `BATCH * 10`, each chunk a task of its own.
    async fn insert_all<E>(
        &mut self,
        db: &DatabaseConnection,
        mut rows: Vec<E::Model>,
    ) -> anyhow::Result<()>
    where
        E: Indexed,
        E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel>,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(BATCH * 10));
            let chunk = std::mem::replace(&mut rows, rest);
            let db = db.clone();
            self.spawn(async move { insert::<E>(&db, chunk).await })
                .await?;
        }
        Ok(())
    }

    /// Waits for every task, failing with the first that failed.
    async fn finish(&mut self) -> anyhow::Result<()> {
        while let Some(done) = self.0.join_next().await {
            done??;
        }
        Ok(())
    }
}

/// The tables the generator fills, whose foreign keys and non-unique indexes are dropped
/// for the load and made again after it, as bulk loads do: one join per foreign key and
/// one sort per index, instead of a lookup and an index insertion per row.
const BULK_TABLES: [&str; 8] = [
    "sources",
    "companies",
    "models",
    "statistics",
    "claims",
    "evidence",
    "claim_subjects",
    "claim_topics",
];

/// The statements that make again what [`defer_constraints`] dropped.
#[derive(Default)]
struct Deferred {
    indexes: Vec<String>,
    /// Each foreign key's table, name and definition.
    foreign_keys: Vec<(String, String, String)>,
}

impl Deferred {
    /// Builds the indexes, [`WRITERS`] at a time (each table allows several builds at
    /// once), then adds the foreign keys. Each is added `NOT VALID`, one by one, which
    /// checks nothing; then they are validated several at once. Validation locks neither
    /// table against the other validations, where adding a checked key locks both tables
    /// and two at once could deadlock.
    async fn restore(self, db: &DatabaseConnection) -> anyhow::Result<()> {
        let mut building = Writers::new();
        for statement in self.indexes {
            let db = db.clone();
            building
                .spawn(async move {
                    db.execute_unprepared(&statement).await?;
                    Ok(())
                })
                .await?;
        }
        building.finish().await?;
        for (table, name, definition) in &self.foreign_keys {
            db.execute_unprepared(&format!(
                "ALTER TABLE \"{table}\" ADD CONSTRAINT \"{name}\" {definition} NOT VALID"
            ))
            .await?;
        }
        let mut checking = Writers::new();
        for (table, name, _) in self.foreign_keys {
            let db = db.clone();
            checking
                .spawn(async move {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE \"{table}\" VALIDATE CONSTRAINT \"{name}\""
                    ))
                    .await?;
                    Ok(())
                })
                .await?;
        }
        checking.finish().await
    }
}

/// On PostgreSQL, drops the foreign keys and the non-unique indexes of [`BULK_TABLES`],
/// returning the statements that make them again: the longest builds first (the search
/// indexes, claims' the longest), so that none is left running alone at the end.
async fn defer_constraints(db: &DatabaseConnection) -> anyhow::Result<Deferred> {
    if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return Ok(Deferred::default());
    }
    let tables = BULK_TABLES.map(|t| format!("'{t}'")).join(", ");
    let query = |sql: String| {
        db.query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            sql,
        ))
    };
    let mut restore = Deferred::default();
    let mut drop = Vec::new();
    for row in query(format!(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() \
         AND tablename IN ({tables}) AND indexdef NOT LIKE 'CREATE UNIQUE%' \
         ORDER BY indexdef LIKE '% USING gin %' DESC, tablename = 'claims' DESC, indexname"
    ))
    .await?
    {
        let name: String = row.try_get("", "indexname")?;
        restore.indexes.push(row.try_get::<String>("", "indexdef")?);
        drop.push(format!("DROP INDEX \"{name}\""));
    }
    for row in query(format!(
        "SELECT conrelid::regclass::text AS \"table\", conname, pg_get_constraintdef(oid) AS definition \
         FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ({tables})"
    ))
    .await?
    {
        let table: String = row.try_get("", "table")?;
        let name: String = row.try_get("", "conname")?;
        let definition: String = row.try_get("", "definition")?;
        drop.push(format!("ALTER TABLE \"{table}\" DROP CONSTRAINT \"{name}\""));
        restore.foreign_keys.push((table, name, definition));
    }
    for statement in drop {
        db.execute_unprepared(&statement).await?;
    }
    Ok(restore)
}

const COUNTRIES: &[&str] = &[
    "CN", "CN", "CN", "US", "US", "US", "IN", "FR", "DE", "GB", "JP", "KR", "BR", "SA", "ZA", "ID",
    "TR", "MX",
];
const TOPICS: &[&str] = &[
    "adoption",
    "pricing",
    "geopolitics",
    "open-source",
    "trust",
    "chips",
];

/// What was generated, for the scenarios.
pub struct Generated {
    /// Rows made, by table.
    pub counts: Vec<(&'static str, usize)>,
    /// Seconds it took.
    pub seconds: f64,
}

/// A deterministic id: the `n`th of `kind`.
fn id(kind: u8, n: usize) -> Uuid {
    Uuid::from_u128(
        (0x0193_0000_0000_7000_8000_0000_0000_0000u128) | (u128::from(kind) << 64) | n as u128,
    )
}

/// The words of one language, drawn with Zipf's law as in real text: the `r`th most
/// common word comes up in proportion to `1 / r`.
pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// The distinct words of `texts` in `script`, ranked in a seeded random order.
    fn new(texts: &str, arabic: bool, rng: &mut ChaCha8Rng) -> Self {
        let mut seen = std::collections::HashSet::new();
        let mut words: Vec<String> = texts
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() > 2)
            .filter(|w| w.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) == arabic)
            .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_owned)
            .filter(|w| seen.insert(w.clone()))
            .collect();
        rand::seq::SliceRandom::shuffle(words.as_mut_slice(), rng);
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Self { words, cumulative }
    }

    fn word(&self, rng: &mut ChaCha8Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = rng.random::<f64>() * total;
        let index = self.cumulative.partition_point(|&c| c < target);
        self.words.get(index).map_or("", String::as_str)
    }

    fn sentence(&self, rng: &mut ChaCha8Rng, length: usize) -> String {
        (0..length)
            .map(|_| self.word(rng))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn one<T: Copy>(rng: &mut ChaCha8Rng, values: &[T]) -> T {
    values[rng.random_range(0..values.len())]
}

fn pick<'a>(rng: &mut ChaCha8Rng, values: &[&'a str]) -> &'a str {
    values.choose(rng).copied().unwrap_or_default()
}

/// A table whose rows the generator writes, and how their search columns are filled:
/// as the write path fills them, for the tables that have them.
trait Indexed: EntityTrait {
    /// Fills `row`'s search columns.
    fn index(_row: &mut Self::Model) {}
}

macro_rules! indexed_by {
    ($($entity:ty => $resource:ty),* ; $($plain:ty),*) => {
        $(impl Indexed for $entity {
            fn index(row: &mut Self::Model) {
                <$resource as Resource>::index(row);
            }
        })*
        $(impl Indexed for $plain {})*
    };
}

indexed_by!(
    source::Entity => mizan::services::sources::Sources,
    company::Entity => mizan::services::companies::Companies,
    model::Entity => mizan::services::models::Models,
    metric::Entity => mizan::services::metrics::Metrics,
    statistic::Entity => mizan::services::statistics::Statistics,
    claim::Entity => mizan::services::claims::Claims;
    evidence::Entity, claim_subject::Entity, claim_topic::Entity, event::Entity
);

/// Writes `rows`, each with its search columns filled: with `COPY` on PostgreSQL (one
/// stream, no statement to parse per batch), in multi-row `INSERT`s elsewhere.
async fn insert<E>(db: &DatabaseConnection, rows: Vec<E::Model>) -> anyhow::Result<()>
where
    E: Indexed,
    E::Model: ModelTrait<Entity = E> + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        return copy::<E>(db, rows).await;
    }
    let mut batch = Vec::with_capacity(BATCH);
    for mut row in rows {
        E::index(&mut row);
        batch.push(row.into_active_model());
        if batch.len() == BATCH {
            E::insert_many(std::mem::take(&mut batch)).exec(db).await?;
        }
    }
    if !batch.is_empty() {
        E::insert_many(batch).exec(db).await?;
    }
    Ok(())
}

/// Bytes of `COPY` data sent at a time.
const COPY_CHUNK: usize = 1 << 20;

/// Streams `rows` into `E`'s table with `COPY ... FROM STDIN` in its text format.
async fn copy<E>(db: &DatabaseConnection, rows: Vec<E::Model>) -> anyhow::Result<()>
where
    E: Indexed,
    E::Model: ModelTrait<Entity = E>,
{
    let columns: Vec<E::Column> = E::Column::iter().collect();
    let names: Vec<String> = columns
        .iter()
        .map(|column| format!("\"{}\"", column.as_str()))
        .collect();
    let statement = format!(
        "COPY \"{}\" ({}) FROM STDIN",
        E::default().table_name(),
        names.join(", ")
    );
    let mut copy = db
        .get_postgres_connection_pool()
        .copy_in_raw(&statement)
        .await?;
    let mut buffer = Vec::with_capacity(COPY_CHUNK + 4096);
    for mut row in rows {
        E::index(&mut row);
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                buffer.push(b'\t');
            }
            copy_field(&mut buffer, row.get(*column))?;
        }
        buffer.push(b'\n');
        if buffer.len() >= COPY_CHUNK {
            copy.send(std::mem::take(&mut buffer)).await?;
            buffer.reserve(COPY_CHUNK + 4096);
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// Appends `value` to a `COPY` text-format row: `\N` for NULL, and backslash, tab,
/// newline and carriage return escaped.
fn copy_field(buffer: &mut Vec<u8>, value: Value) -> anyhow::Result<()> {
    let text = match value {
        Value::String(v) => v,
        Value::Uuid(v) => v.map(|id| id.to_string()),
        Value::Bool(v) => v.map(|b| if b { "t" } else { "f" }.to_owned()),
        Value::Int(v) => v.map(|n| n.to_string()),
        Value::BigInt(v) => v.map(|n| n.to_string()),
        Value::Double(v) => v.map(|n| n.to_string()),
        Value::ChronoDate(v) => v.map(|d| d.format("%Y-%m-%d").to_string()),
        Value::ChronoDateTimeUtc(v) => v.map(|t| t.to_rfc3339()),
        Value::Json(v) => v.map(|json| json.to_string()),
        other => anyhow::bail!("no COPY text format for {other:?}"),
    };
    let Some(text) = text else {
        buffer.extend_from_slice(b"\\N");
        return Ok(());
    };
    for byte in text.bytes() {
        match byte {
            b'\\' => buffer.extend_from_slice(b"\\\\"),
            b'\t' => buffer.extend_from_slice(b"\\t"),
            b'\n' => buffer.extend_from_slice(b"\\n"),
            b'\r' => buffer.extend_from_slice(b"\\r"),
            byte => buffer.push(byte),
        }
    }
    Ok(())
}

/// Generates the data set at `scale` with `seed` into `db`, which holds the curated
/// dataset already.
pub async fn generate(
    db: &DatabaseConnection,
    scale: f64,
    seed: u64,
    data: &std::path::Path,
) -> anyhow::Result<Generated> {
    let started = Instant::now();
    let phase = |what: &str| eprintln!("{what} at {:.1} s", started.elapsed().as_secs_f64());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // The words come from the curated dataset's own texts.
    let mut texts = String::new();
    for file in [
        "claims.toml",
        "models.toml",
        "companies.toml",
        "sources.toml",
        "statistics.toml",
    ] {
        texts.push_str(&std::fs::read_to_string(data.join(file))?);
        texts.push('\n');
    }
    let english = Vocabulary::new(&texts, false, &mut rng);
    let arabic = Vocabulary::new(&texts, true, &mut rng);
    let count = |base: f64| ((base * scale).round() as usize).max(1);
    let (n_companies, n_sources, n_models, n_statistics, n_claims) = (
        count(COMPANIES),
        count(SOURCES),
        count(MODELS),
        count(STATISTICS),
        count(CLAIMS),
    );
    let epoch: DateTime<Utc> = DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default();
    let day = |n: usize| {
        NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default() + Duration::days((n % 1000) as i64)
    };
    let metrics = metric::Entity::find()
        .order_by_asc(metric::Column::Key)
        .all(db)
        .await?;
    let downloads = metrics
        .iter()
        .find(|m| m.key == "downloads")
        .ok_or_else(|| {
            anyhow::anyhow!("the curated dataset (metric `downloads`) must be loaded first")
        })?
        .clone();

    let deferred = defer_constraints(db).await?;
    let sources: Vec<source::Model> = (0..n_sources)
        .map(|i| source::Model {
            id: id(1, i),
            key: Some(format!("bench-source-{i}")),
            title: Some(format!("{} {}", english.sentence(&mut rng, 6), i)),
            publisher: format!("Publisher {}", i % 500),
            url: format!("https://example.org/source/{i}"),
            language: if i % 3 == 0 { "ar" } else { "en" }.to_owned(),
            kind: one(&mut rng, SourceKind::ALL).as_str().to_owned(),
            published_on: Some(day(i)),
            retrieved_at: None,
            archive_url: None,
            note_en: Some(english.sentence(&mut rng, 12)),
            note_ar: Some(arabic.sentence(&mut rng, 12)),
            search_title: String::new(),
            search_body: String::new(),
            version: 1,
            created_at: epoch,
            updated_at: epoch + Duration::seconds(i as i64),
        })
        .collect();
    // Sources, companies and models are written a chunk at a time by several connections,
    // while the next kind is made: one `COPY` each left a core idle.
    let mut loading = Writers::new();
    loading.insert_all::<source::Entity>(db, sources).await?;

    let companies: Vec<company::Model> = (0..n_companies)
        .map(|i| company::Model {
            id: id(2, i),
            slug: format!("bench-company-{i}"),
            name_en: format!("Lab {i}"),
            name_ar: format!("مختبر {i}"),
            kind: one(&mut rng, CompanyKind::ALL).as_str().to_owned(),
            country_code: pick(&mut rng, COUNTRIES).to_owned(),
            founded_year: Some(1990 + (i % 35) as i32),
            headquarters_en: None,
            headquarters_ar: None,
            website: Some(format!("https://example.org/lab/{i}")),
            description_en: english.sentence(&mut rng, 20),
            description_ar: arabic.sentence(&mut rng, 20),
            source_id: Some(id(1, rng.random_range(0..n_sources))),
            search_title: String::new(),
            search_body: String::new(),
            version: 1,
            created_at: epoch,
            updated_at: epoch + Duration::seconds(i as i64),
        })
        .collect();
    let company_countries: Vec<String> = companies.iter().map(|c| c.country_code.clone()).collect();
    loading.insert_all::<company::Entity>(db, companies).await?;

    let models: Vec<model::Model> = (0..n_models)
        .map(|i| {
            let company = rng.random_range(0..n_companies);
            model::Model {
                id: id(3, i),
                slug: format!("bench-model-{i}"),
                name: format!("Bench-{i}"),
                company_id: id(2, company),
                country_code: company_countries[company].clone(),
                released_on: Some(day(i)),
                openness: one(&mut rng, Openness::ALL).as_str().to_owned(),
                license: Some(if i % 2 == 0 { "MIT" } else { "Apache-2.0" }.to_owned()),
                parameters_total: Some(1_000_000_000 * (1 + (i % 700) as i64)),
                parameters_active: None,
                context_window: Some(8192 << (i % 5)),
                modalities: serde_json::json!(["text"]),
                base_model_id: (i > 10 && i % 4 == 0).then(|| id(3, rng.random_range(0..i))),
                huggingface_repo: None,
                description_en: english.sentence(&mut rng, 25),
                description_ar: arabic.sentence(&mut rng, 25),
                source_id: Some(id(1, rng.random_range(0..n_sources))),
                note_en: None,
                note_ar: None,
                search_title: String::new(),
                search_body: String::new(),
                version: 1,
                created_at: epoch,
                updated_at: epoch + Duration::seconds(i as i64),
            }
        })
        .collect();
    loading.insert_all::<model::Entity>(db, models).await?;

    let mut statistics = Vec::with_capacity(BATCH * 10);
    for i in 0..n_statistics {
        let metric = if rng.random_range(0..10) < 6 {
            &downloads
        } else {
            metrics.choose(&mut rng).unwrap_or(&downloads)
        };
        let (subject_type, model_id, company_id, country) = match i % 3 {
            0 => (
                "model",
                Some(id(3, rng.random_range(0..n_models))),
                None,
                None,
            ),
            1 => (
                "company",
                None,
                Some(id(2, rng.random_range(0..n_companies))),
                None,
            ),
            _ => (
                "country",
                None,
                None,
                Some(pick(&mut rng, COUNTRIES).to_owned()),
            ),
        };
        statistics.push(statistic::Model {
            id: id(4, i),
            key: (i < 1000).then(|| format!("bench-statistic-{i}")),
            metric_id: metric.id,
            subject_type: subject_type.to_owned(),
            subject_model_id: model_id,
            subject_company_id: company_id,
            subject_country_code: country,
            scope_country_code: (i % 5 == 0).then(|| pick(&mut rng, COUNTRIES).to_owned()),
            value: Some(f64::from(rng.random_range(1..1_000_000u32))),
            value_low: None,
            value_high: None,
            qualifier: if i % 7 == 0 { "approximately" } else { "exact" }.to_owned(),
            unit: metric.unit.clone(),
            period_start: day(i),
            period_end: None,
            period_precision: "day".to_owned(),
            method: one(&mut rng, Method::ALL).as_str().to_owned(),
            source_id: id(1, rng.random_range(0..n_sources)),
            note_en: (i % 10 == 0).then(|| english.sentence(&mut rng, 8)),
            note_ar: (i % 10 == 0).then(|| arabic.sentence(&mut rng, 8)),
            search_title: String::new(),
            search_body: String::new(),
            version: 1,
            created_at: epoch,
            updated_at: epoch + Duration::seconds(i as i64),
        });
        if statistics.len() == BATCH * 10 {
            // Rows are made in order (so the same seed gives the same rows) and written by
            // several connections at once.
            let db = db.clone();
            let rows = std::mem::take(&mut statistics);
            loading
                .spawn(async move { insert::<statistic::Entity>(&db, rows).await })
                .await?;
        }
    }
    loading
        .spawn({
            let db = db.clone();
            async move { insert::<statistic::Entity>(&db, statistics).await }
        })
        .await?;
    loading.finish().await?;
    phase("statistics written");

    let (mut claims, mut evidence, mut subjects, mut topics) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut n_evidence = 0;
    // Each batch of claims is written with its evidence, subjects and topics; several
    // batches at once.
    let mut flush = async |claims: &mut Vec<claim::Model>,
                           evidence: &mut Vec<evidence::Model>,
                           subjects: &mut Vec<claim_subject::Model>,
                           topics: &mut Vec<claim_topic::Model>|
           -> anyhow::Result<()> {
        let db = db.clone();
        let batch = (
            std::mem::take(claims),
            std::mem::take(evidence),
            std::mem::take(subjects),
            std::mem::take(topics),
        );
        loading
            .spawn(async move {
                insert::<claim::Entity>(&db, batch.0).await?;
                insert::<evidence::Entity>(&db, batch.1).await?;
                insert::<claim_subject::Entity>(&db, batch.2).await?;
                insert::<claim_topic::Entity>(&db, batch.3).await
            })
            .await
    };
    for i in 0..n_claims {
        let verdict = one(&mut rng, Verdict::ALL).as_str();
        let reviewed = !matches!(verdict, "opinion" | "unreviewed");
        let text_ar = arabic.sentence(&mut rng, 18);
        claims.push(claim::Model {
            id: id(5, i),
            key: Some(format!("bench-claim-{i}")),
            text_en: english.sentence(&mut rng, 18),
            text_ar: text_ar.clone(),
            original_language: "ar".to_owned(),
            original_text: text_ar,
            claimant_name_en: format!("Analyst {}", i % 300),
            claimant_name_ar: format!("محلل {}", i % 300),
            claimant_role_en: None,
            claimant_role_ar: None,
            claimant_company_id: (i % 4 == 0).then(|| id(2, rng.random_range(0..n_companies))),
            stated_on: Some(day(i)),
            source_id: id(1, rng.random_range(0..n_sources)),
            verdict: verdict.to_owned(),
            verdict_summary_en: reviewed.then(|| english.sentence(&mut rng, 15)),
            verdict_summary_ar: reviewed.then(|| arabic.sentence(&mut rng, 15)),
            search_title: String::new(),
            search_body: String::new(),
            version: 1,
            created_at: epoch,
            updated_at: epoch + Duration::seconds(i as i64),
        });
        for e in 0..rng.random_range(1..=3) {
            let statistic = e % 2 == 0;
            evidence.push(evidence::Model {
                id: id(6, n_evidence),
                claim_id: id(5, i),
                statistic_id: statistic.then(|| id(4, rng.random_range(0..n_statistics))),
                source_id: (!statistic).then(|| id(1, rng.random_range(0..n_sources))),
                relation: one(&mut rng, Relation::ALL).as_str().to_owned(),
                note_en: None,
                note_ar: None,
            });
            n_evidence += 1;
        }
        subjects.push(claim_subject::Model {
            id: id(7, i),
            claim_id: id(5, i),
            subject_type: "model".to_owned(),
            model_id: Some(id(3, rng.random_range(0..n_models))),
            company_id: None,
            country_code: None,
        });
        topics.push(claim_topic::Model {
            claim_id: id(5, i),
            topic: pick(&mut rng, TOPICS).to_owned(),
        });
        if claims.len() == BATCH {
            flush(&mut claims, &mut evidence, &mut subjects, &mut topics).await?;
        }
    }
    flush(&mut claims, &mut evidence, &mut subjects, &mut topics).await?;
    loading.finish().await?;
    phase("claims written");
    deferred.restore(db).await?;
    phase("indexes built and foreign keys checked");
    let n_events = events(db, count(EVENTS), epoch).await?;
    phase("change log written");

    Ok(Generated {
        counts: vec![
            ("sources", n_sources),
            ("companies", n_companies),
            ("models", n_models),
            ("statistics", n_statistics),
            ("claims", n_claims),
            ("evidence", n_evidence),
            ("events", n_events),
        ],
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Appends `n` events to the change log after the curated dataset's, and moves the data
/// version past them as a write would: updates of the curated statistics and claims, in
/// turn, each carrying its record's representation; one claim update in ten also moves
/// its verdict. Returns how many events were written.
async fn events(db: &DatabaseConnection, n: usize, epoch: DateTime<Utc>) -> anyhow::Result<usize> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let templates = event::Entity::find()
        .filter(event::Column::Resource.is_in(["statistics", "claims"]))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?;
    anyhow::ensure!(
        !templates.is_empty(),
        "the curated dataset's change log must be written first"
    );
    let counter: i64 = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT counter FROM data_version WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no data version"))?
        .try_get_by_index(0)?;
    let mut rows = Vec::with_capacity(n);
    let mut i = 0;
    while rows.len() < n {
        let template = &templates[i % templates.len()];
        let singular = template.kind.split('.').next().unwrap_or_default();
        let mut kinds = vec![format!("{singular}.updated")];
        if template.resource == "claims" && i % 10 == 0 {
            kinds.push("claim.verdict_changed".to_owned());
        }
        for kind in kinds.into_iter().take(n - rows.len()) {
            rows.push(event::Model {
                id: counter + rows.len() as i64 + 1,
                kind,
                resource: template.resource.clone(),
                record_id: template.record_id,
                record_key: template.record_key.clone(),
                revision_id: id(8, i),
                actor: "bench".to_owned(),
                at: epoch + Duration::seconds(i as i64),
                schema_version: template.schema_version,
                data: template.data.clone(),
            });
        }
        i += 1;
    }
    for batch in rows.chunks(BATCH * 10) {
        insert::<event::Entity>(db, batch.to_vec()).await?;
    }
    db.execute_unprepared(&format!(
        "UPDATE data_version SET counter = {} WHERE id = 1",
        counter + n as i64
    ))
    .await?;
    Ok(n)
}
