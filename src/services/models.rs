//! AI models and their lineage.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    company,
    model::{self, Column, Entity},
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use crate::domain::kinds::Openness;

const SORTS: &[SortField<Entity>] = &[
    SortField {
        name: "slug",
        column: Column::Slug,
        kind: ValueKind::Text,
        nullable: false,
    },
    SortField {
        name: "name",
        column: Column::Name,
        kind: ValueKind::Text,
        nullable: false,
    },
    SortField {
        name: "released",
        column: Column::ReleasedOn,
        kind: ValueKind::Date,
        nullable: true,
    },
    SortField {
        name: "parameters_total",
        column: Column::ParametersTotal,
        kind: ValueKind::BigInt,
        nullable: true,
    },
];

const FACETS: &[FacetField<Entity>] = &[
    FacetField {
        name: "company",
        column: FacetColumn::Ref {
            column: Column::CompanyId,
            table: "companies",
            key: "slug",
        },
    },
    FacetField {
        name: "country",
        column: FacetColumn::Text(Column::CountryCode),
    },
    FacetField {
        name: "openness",
        column: FacetColumn::Text(Column::Openness),
    },
    FacetField {
        name: "license",
        column: FacetColumn::Text(Column::License),
    },
    FacetField {
        name: "base_model",
        column: FacetColumn::Ref {
            column: Column::BaseModelId,
            table: "models",
            key: "slug",
        },
    },
];

/// How the models list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "models",
    id: Column::Id,
    default_sort: "slug",
    sorts: SORTS,
    facets: FACETS,
};

/// How a model's derivatives list sorts and counts.
pub static DERIVATIVES: ListSpec<Entity> = ListSpec {
    name: "derivatives",
    id: Column::Id,
    default_sort: "slug",
    sorts: SORTS,
    facets: FACETS,
};

/// A page of derivatives, what they refer to, and each one's generation below the base.
pub type Derivatives = (Page<model::Model>, Related, HashMap<Uuid, u32>);

/// The deepest `depth` a derivatives request may ask for.
pub const MAX_DEPTH: u32 = 10;

/// Which models to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only this company's (slug).
    pub company: Option<String>,
    /// Only those from this country.
    pub country: Option<String>,
    /// Only this openness.
    pub openness: Option<Openness>,
    /// Only under this license.
    pub license: Option<String>,
    /// Only those released on or after this day.
    pub released_after: Option<NaiveDate>,
    /// Only those released on or before this day.
    pub released_before: Option<NaiveDate>,
    /// Only direct derivatives of this model (slug).
    pub base_model: Option<String>,
}

/// A page of models, with the records they refer to.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<model::Model>, Related), DbErr> {
    let mut select = Entity::find();
    if let Some(slug) = filter.company {
        select = select.filter(
            Column::CompanyId.in_subquery(super::id_where::<company::Entity>(
                company::Column::Id,
                company::Column::Slug,
                &slug,
            )),
        );
    }
    if let Some(country) = filter.country {
        select = select.filter(Column::CountryCode.eq(super::normalize_code(&country)));
    }
    if let Some(openness) = filter.openness {
        select = select.filter(Column::Openness.eq(openness.as_str()));
    }
    if let Some(license) = filter.license {
        select = select.filter(Column::License.eq(license));
    }
    if let Some(day) = filter.released_after {
        select = select.filter(Column::ReleasedOn.gte(day));
    }
    if let Some(day) = filter.released_before {
        select = select.filter(Column::ReleasedOn.lte(day));
    }
    if let Some(slug) = filter.base_model {
        select = select.filter(Column::BaseModelId.in_subquery(super::id_where::<Entity>(
            Column::Id,
            Column::Slug,
            &slug,
        )));
    }
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok((page, related))
}

/// The model with `slug`, with the records it refers to.
#[tracing::instrument(skip_all, fields(model.slug = %slug))]
pub async fn find<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> Result<Option<(model::Model, Related)>, DbErr> {
    let Some(model) = Entity::find().filter(Column::Slug.eq(slug)).one(db).await? else {
        return Ok(None);
    };
    let related = Related::load(db, needs(std::slice::from_ref(&model))).await?;
    Ok(Some((model, related)))
}

/// A page of the models derived from `slug`, directly or through up to `depth`
/// generations, each with its generation; `None` when there is no such model.
#[tracing::instrument(skip_all, fields(model.slug = %slug, depth))]
pub async fn derivatives<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    depth: u32,
    page: &PageRequest<Entity>,
) -> Result<Option<Derivatives>, DbErr> {
    let Some(root) = Entity::find().filter(Column::Slug.eq(slug)).one(db).await? else {
        return Ok(None);
    };
    let mut generation: HashMap<Uuid, u32> = HashMap::new();
    let mut seen = HashSet::from([root.id]);
    let mut frontier = vec![root.id];
    for level in 1..=depth.min(MAX_DEPTH) {
        if frontier.is_empty() {
            break;
        }
        let children: Vec<Uuid> = Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::BaseModelId.is_in(frontier))
            .into_tuple()
            .all(db)
            .await?;
        frontier = children.into_iter().filter(|id| seen.insert(*id)).collect();
        generation.extend(frontier.iter().map(|id| (*id, level)));
    }
    let select = Entity::find().filter(Column::Id.is_in(generation.keys().copied()));
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok(Some((page, related, generation)))
}

fn needs(models: &[model::Model]) -> Needs {
    let mut needs = Needs::default();
    for model in models {
        needs.companies.insert(model.company_id);
        needs.countries.insert(model.country_code.clone());
        needs.models.extend(model.base_model_id);
        needs.sources.extend(model.source_id);
    }
    needs
}
