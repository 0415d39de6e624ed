//! A source, as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use entity::source;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::stored;
use crate::domain::{
    kinds::SourceKind,
    lang::{Lang, Text},
};

/// Where a fact comes from.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "key": "openai-gpt-oss-release",
    "title": "Introducing gpt-oss", "publisher": "OpenAI",
    "url": "https://openai.com/index/introducing-gpt-oss/",
    "language": "en", "kind": "official", "published": "2025-08-05",
    "retrieved_at": "2026-12-07T10:00:00Z", "archive_url": null, "note": null,
    "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Source {
    /// The record's id.
    pub id: Uuid,
    /// Its key in the curated dataset, if it came from there.
    pub key: Option<String>,
    /// Its title as it shows it, in its own language; `null` when it could not be verified
    /// (cite the source by publisher and address then).
    pub title: Option<String>,
    /// Who published it.
    pub publisher: String,
    /// Where to read it.
    pub url: String,
    /// Its language (ISO 639-1).
    pub language: String,
    /// What kind of publication it is.
    pub kind: SourceKind,
    /// When it was published.
    pub published: Option<NaiveDate>,
    /// When its facts were last checked against a copy of it.
    pub retrieved_at: Option<DateTime<Utc>>,
    /// An archived copy.
    pub archive_url: Option<String>,
    /// What a reader should know about it, and how it was checked.
    pub note: Option<Text>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Source {
    /// The representation of `source` in `lang`.
    pub fn build(source: source::Model, lang: Option<Lang>) -> anyhow::Result<Self> {
        Ok(Self {
            kind: stored(&source.kind, SourceKind::parse, "source kind")?,
            note: Text::from_parts(source.note_en, source.note_ar, lang),
            id: source.id,
            key: source.key,
            title: source.title,
            publisher: source.publisher,
            url: source.url,
            language: source.language,
            published: source.published_on,
            retrieved_at: source.retrieved_at,
            archive_url: source.archive_url,
            created_at: source.created_at,
            updated_at: source.updated_at,
        })
    }
}
