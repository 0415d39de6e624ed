//! The catalog of what statistics measure.

use entity::metric::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};

/// How the metrics list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "metrics",
    id: Column::Id,
    default_sort: "key",
    sorts: &[
        SortField {
            name: "key",
            column: Column::Key,
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
    facets: &[FacetField {
        name: "unit",
        column: FacetColumn::Text(Column::Unit),
    }],
};

/// Which metrics to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
    /// Only this unit.
    pub unit: Option<String>,
}

/// A page of metrics.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<Page<metric::Model>, DbErr> {
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "metrics",
            query,
        ));
    }
    if let Some(unit) = filter.unit {
        select = select.filter(Column::Unit.eq(unit));
    }
    listing::fetch(db, select, page).await
}

/// The metric with `key`.
#[tracing::instrument(skip_all, fields(metric.key = %key))]
pub async fn find<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<metric::Model>, DbErr> {
    Entity::find().filter(Column::Key.eq(key)).one(db).await
}
