//! Where facts come from.

use entity::source::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::resources::{self, Prepared, Resource};
use super::writes::{self, WriteError};
use crate::domain::{kinds::SourceKind, lang::Localized, validate::Checks};

/// How the sources list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "sources",
    id: Column::Id,
    default_sort: "id",
    sorts: &[
        SortField {
            name: "id",
            column: Column::Id,
            kind: ValueKind::Uuid,
            nullable: false,
        },
        SortField {
            name: "published",
            column: Column::PublishedOn,
            kind: ValueKind::Date,
            nullable: true,
        },
        SortField {
            name: "publisher",
            column: Column::Publisher,
            kind: ValueKind::Text,
            nullable: false,
        },
        SortField {
            name: "title",
            column: Column::Title,
            kind: ValueKind::Text,
            nullable: true,
        },
    ],
    facets: &[
        FacetField {
            name: "publisher",
            column: FacetColumn::Text(Column::Publisher),
        },
        FacetField {
            name: "kind",
            column: FacetColumn::Text(Column::Kind),
        },
        FacetField {
            name: "language",
            column: FacetColumn::Text(Column::Language),
        },
    ],
};

/// Which sources to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
    /// Only this publisher (exact name).
    pub publisher: Option<String>,
    /// Only this kind.
    pub kind: Option<SourceKind>,
    /// Only this language (ISO 639-1).
    pub language: Option<String>,
}

/// A page of sources.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<Page<source::Model>, DbErr> {
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "sources",
            query,
        ));
    }
    if let Some(publisher) = filter.publisher {
        select = select.filter(Column::Publisher.eq(publisher));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(Column::Kind.eq(kind.as_str()));
    }
    if let Some(language) = filter.language {
        select = select.filter(Column::Language.eq(language.to_ascii_lowercase()));
    }
    listing::fetch(db, select, page).await
}

/// The source with this id, or with this dataset key.
#[tracing::instrument(skip_all, fields(source.id = %id_or_key))]
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id_or_key: &str,
) -> Result<Option<source::Model>, DbErr> {
    let select = match Uuid::parse_str(id_or_key) {
        Ok(id) => Entity::find_by_id(id),
        Err(_) => Entity::find().filter(Column::Key.eq(id_or_key)),
    };
    select.one(db).await
}

crate::input! {
    /// A source as a request body gives it: the body of `POST`, and what `PATCH` merges into.
    #[schema(example = json!({
        "key": "openai-gpt-oss-release", "title": "Introducing gpt-oss", "publisher": "OpenAI",
        "url": "https://openai.com/index/introducing-gpt-oss/", "language": "en", "kind": "official",
        "published": "2025-08-05", "retrieved_at": "2026-12-07T10:00:00Z"
    }))]
    pub struct SourceInput {
        /// A stable key to cite it by (optional).
        pub key: Option<String>,
        /// Its title as it shows it, in its own language; left out when it could not be
        /// verified (the source is then cited by publisher and address).
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
        pub published: Option<chrono::NaiveDate>,
        /// When its facts were last checked against a copy of it.
        pub retrieved_at: Option<chrono::DateTime<chrono::Utc>>,
        /// An archived copy.
        pub archive_url: Option<String>,
        /// What a reader should know about it, and how it was checked.
        pub note: Option<Localized>,
    }
}

/// Who cites a source: a source cited anywhere cannot be deleted.
pub const CITED_BY: &[(&str, &str, &str)] = &[
    ("statistics", "source_id", "statistics"),
    ("claims", "source_id", "claims"),
    ("evidence", "source_id", "pieces of evidence"),
    ("models", "source_id", "models"),
    ("companies", "source_id", "companies"),
];

/// Sources through the write path.
pub struct Sources;

impl Resource for Sources {
    type Entity = Entity;
    type Model = source::Model;
    type Active = source::ActiveModel;
    type Input = SourceInput;
    type View = crate::views::sources::Source;

    const RESOURCE: &'static str = "sources";
    const SINGULAR: &'static str = "source";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = CITED_BY;

    crate::resource_basics!(source::Model, |model| model
        .key
        .clone()
        .unwrap_or_else(|| model.id.to_string()));

    fn index(model: &mut source::Model) {
        model.search_title =
            super::search::document(&[model.title.as_deref(), model.key.as_deref()]);
        model.search_body = super::search::document(&[
            model.note_en.as_deref(),
            model.note_ar.as_deref(),
            Some(&model.publisher),
        ]);
    }

    async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<source::Model>, DbErr> {
        find(db, key).await
    }

    async fn validate<C: ConnectionTrait>(
        db: &C,
        input: SourceInput,
        existing: Option<&source::Model>,
        checks: &mut Checks,
    ) -> Result<Prepared<source::Model>, DbErr> {
        if let Some(key) = &input.key {
            writes::unique_slug::<Entity, _>(
                db,
                checks,
                (Column::Id, Column::Key),
                key,
                existing.map(|e| e.id),
                "key",
                "source",
            )
            .await?;
        }
        if let Some(title) = &input.title {
            checks.text("title", title);
        }
        checks.line("publisher", &input.publisher);
        checks.url("url", &input.url);
        checks.language("language", &input.language);
        if let Some(archive) = &input.archive_url {
            checks.url("archive_url", archive);
        }
        if let Some(note) = &input.note {
            checks.localized("note", note, true);
        }
        Ok(Prepared::row(source::Model {
            id: existing.map_or_else(Uuid::now_v7, |e| e.id),
            key: input.key,
            title: input.title,
            publisher: input.publisher,
            url: input.url,
            language: input.language,
            kind: input.kind.as_str().to_owned(),
            published_on: input.published,
            retrieved_at: input.retrieved_at,
            archive_url: input.archive_url,
            note_en: input.note.as_ref().map(|n| n.en.clone()),
            note_ar: input.note.map(|n| n.ar),
            search_title: String::new(),
            search_body: String::new(),
            version: existing.map_or(1, |e| e.version),
            created_at: existing.map_or_else(chrono::Utc::now, |e| e.created_at),
            updated_at: existing.map_or_else(chrono::Utc::now, |e| e.updated_at),
        }))
    }

    async fn view<C: ConnectionTrait>(
        _db: &C,
        model: source::Model,
        lang: Option<crate::domain::lang::Lang>,
    ) -> Result<Self::View, WriteError> {
        Ok(crate::views::sources::Source::build(model, lang)?)
    }

    fn input_of(shown: &serde_json::Value) -> serde_json::Value {
        serde_json::Value::Object(resources::fields(
            shown,
            &[
                "key",
                "title",
                "publisher",
                "url",
                "language",
                "kind",
                "published",
                "retrieved_at",
                "archive_url",
                "note",
            ],
        ))
    }
}
