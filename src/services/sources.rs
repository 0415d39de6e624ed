//! Where facts come from.

use entity::source::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use crate::domain::kinds::SourceKind;

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
            nullable: false,
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
