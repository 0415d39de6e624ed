//! Companies and labs that build models.

use entity::company::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use crate::domain::kinds::CompanyKind;

/// How the companies list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "companies",
    id: Column::Id,
    default_sort: "slug",
    sorts: &[
        SortField {
            name: "slug",
            column: Column::Slug,
            kind: ValueKind::Text,
            nullable: false,
        },
        SortField {
            name: "name",
            column: Column::NameEn,
            kind: ValueKind::Text,
            nullable: false,
        },
        SortField {
            name: "founded",
            column: Column::FoundedYear,
            kind: ValueKind::Int,
            nullable: true,
        },
    ],
    facets: &[
        FacetField {
            name: "country",
            column: FacetColumn::Text(Column::CountryCode),
        },
        FacetField {
            name: "kind",
            column: FacetColumn::Text(Column::Kind),
        },
    ],
};

/// Which companies to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those based in this country.
    pub country: Option<String>,
    /// Only this kind.
    pub kind: Option<CompanyKind>,
}

/// A page of companies, with the records they refer to.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<company::Model>, Related), DbErr> {
    let mut select = Entity::find();
    if let Some(country) = filter.country {
        select = select.filter(Column::CountryCode.eq(super::normalize_code(&country)));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(Column::Kind.eq(kind.as_str()));
    }
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok((page, related))
}

/// The company with `slug`, with the records it refers to.
#[tracing::instrument(skip_all, fields(company.slug = %slug))]
pub async fn find<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> Result<Option<(company::Model, Related)>, DbErr> {
    let Some(company) = Entity::find().filter(Column::Slug.eq(slug)).one(db).await? else {
        return Ok(None);
    };
    let related = Related::load(db, needs(std::slice::from_ref(&company))).await?;
    Ok(Some((company, related)))
}

fn needs(companies: &[company::Model]) -> Needs {
    let mut needs = Needs::default();
    for company in companies {
        needs.countries.insert(company.country_code.clone());
        needs.sources.extend(company.source_id);
    }
    needs
}
