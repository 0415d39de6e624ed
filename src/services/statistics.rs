//! Adoption and market figures.

use chrono::NaiveDate;
use entity::{
    company, metric, model, source,
    statistic::{self, Column, Entity},
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use crate::domain::kinds::{Method, SubjectType};

/// How the statistics list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "statistics",
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
            name: "period_start",
            column: Column::PeriodStart,
            kind: ValueKind::Date,
            nullable: false,
        },
    ],
    facets: &[
        FacetField {
            name: "metric",
            column: FacetColumn::Ref {
                column: Column::MetricId,
                table: "metrics",
                key: "key",
            },
        },
        FacetField {
            name: "subject_type",
            column: FacetColumn::Text(Column::SubjectType),
        },
        FacetField {
            name: "scope_country",
            column: FacetColumn::Text(Column::ScopeCountryCode),
        },
        FacetField {
            name: "method",
            column: FacetColumn::Text(Column::Method),
        },
        FacetField {
            name: "source",
            column: FacetColumn::Ref {
                column: Column::SourceId,
                table: "sources",
                key: "key",
            },
        },
    ],
};

/// Which statistics to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only this metric (key).
    pub metric: Option<String>,
    /// Only about this kind of subject.
    pub subject_type: Option<SubjectType>,
    /// Only about this subject: a model or company slug, or a country code.
    pub subject: Option<String>,
    /// Only measured in this country, region or group.
    pub scope_country: Option<String>,
    /// Only periods that end on or after this day.
    pub period_from: Option<NaiveDate>,
    /// Only periods that start on or before this day.
    pub period_to: Option<NaiveDate>,
    /// Only arrived at this way.
    pub method: Option<Method>,
    /// Only from this source (id or key).
    pub source: Option<String>,
}

/// A page of statistics, with the records they refer to.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<statistic::Model>, Related), DbErr> {
    let mut select = Entity::find();
    if let Some(key) = filter.metric {
        select = select.filter(
            Column::MetricId.in_subquery(super::id_where::<metric::Entity>(
                metric::Column::Id,
                metric::Column::Key,
                &key,
            )),
        );
    }
    if let Some(kind) = filter.subject_type {
        select = select.filter(Column::SubjectType.eq(kind.as_str()));
    }
    if let Some(subject) = filter.subject {
        let by_model = Column::SubjectModelId.in_subquery(super::id_where::<model::Entity>(
            model::Column::Id,
            model::Column::Slug,
            &subject,
        ));
        let by_company = Column::SubjectCompanyId.in_subquery(super::id_where::<company::Entity>(
            company::Column::Id,
            company::Column::Slug,
            &subject,
        ));
        let by_country = Column::SubjectCountryCode.eq(super::normalize_code(&subject));
        select = select.filter(match filter.subject_type {
            Some(SubjectType::Model) => Condition::all().add(by_model),
            Some(SubjectType::Company) => Condition::all().add(by_company),
            Some(SubjectType::Country) => Condition::all().add(by_country),
            None => Condition::any()
                .add(by_model)
                .add(by_company)
                .add(by_country),
        });
    }
    if let Some(scope) = filter.scope_country {
        select = select.filter(Column::ScopeCountryCode.eq(super::normalize_code(&scope)));
    }
    if let Some(from) = filter.period_from {
        let end = Expr::expr(sea_orm::sea_query::Func::coalesce([
            Expr::col(Column::PeriodEnd),
            Expr::col(Column::PeriodStart),
        ]));
        select = select.filter(end.gte(from));
    }
    if let Some(to) = filter.period_to {
        select = select.filter(Column::PeriodStart.lte(to));
    }
    if let Some(method) = filter.method {
        select = select.filter(Column::Method.eq(method.as_str()));
    }
    if let Some(source) = filter.source {
        select = select.filter(match Uuid::parse_str(&source) {
            Ok(id) => Column::SourceId.eq(id),
            Err(_) => Column::SourceId.in_subquery(super::id_where::<source::Entity>(
                source::Column::Id,
                source::Column::Key,
                &source,
            )),
        });
    }
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok((page, related))
}

/// The statistic with this id or dataset key, with the records it refers to.
#[tracing::instrument(skip_all, fields(statistic.id = %id_or_key))]
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id_or_key: &str,
) -> Result<Option<(statistic::Model, Related)>, DbErr> {
    let select = match Uuid::parse_str(id_or_key) {
        Ok(id) => Entity::find_by_id(id),
        Err(_) => Entity::find().filter(Column::Key.eq(id_or_key)),
    };
    let Some(stat) = select.one(db).await? else {
        return Ok(None);
    };
    let related = Related::load(db, needs(std::slice::from_ref(&stat))).await?;
    Ok(Some((stat, related)))
}

fn needs(stats: &[statistic::Model]) -> Needs {
    let mut needs = Needs::default();
    for stat in stats {
        needs.statistic(stat);
    }
    needs
}
