//! Countries, regions and groups.

use entity::country::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use crate::domain::kinds::CountryKind;

/// How the countries list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "countries",
    id: Column::Id,
    default_sort: "code",
    sorts: &[
        SortField {
            name: "code",
            column: Column::Code,
            kind: ValueKind::Text,
            nullable: false,
        },
        SortField {
            name: "name",
            column: Column::NameEn,
            kind: ValueKind::Text,
            nullable: false,
        },
    ],
    facets: &[
        FacetField {
            name: "kind",
            column: FacetColumn::Text(Column::Kind),
        },
        FacetField {
            name: "global_south",
            column: FacetColumn::Bool(Column::GlobalSouth),
        },
        FacetField {
            name: "un_region",
            column: FacetColumn::Text(Column::UnRegion),
        },
    ],
};

/// Which countries to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
    /// Only this kind.
    pub kind: Option<CountryKind>,
    /// Only those in (or out of) the Global South.
    pub global_south: Option<bool>,
    /// Only this UN sub-region.
    pub un_region: Option<String>,
}

/// A page of countries.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<Page<country::Model>, DbErr> {
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "countries",
            query,
        ));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(Column::Kind.eq(kind.as_str()));
    }
    if let Some(global_south) = filter.global_south {
        select = select.filter(Column::GlobalSouth.eq(global_south));
    }
    if let Some(region) = filter.un_region {
        select = select.filter(Column::UnRegion.eq(region));
    }
    listing::fetch(db, select, page).await
}

/// The country with `code`.
#[tracing::instrument(skip_all, fields(country.code = %code))]
pub async fn find<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<country::Model>, DbErr> {
    Entity::find()
        .filter(Column::Code.eq(super::normalize_code(code)))
        .one(db)
        .await
}
