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

crate::input! {
    /// A country, region or group, as the curated dataset gives it.
    #[schema(example = json!({"code": "IN", "kind": "country", "name": {"en": "India", "ar": "الهند"},
        "un_region": "Southern Asia", "global_south": true}))]
    pub struct CountryInput {
        /// ISO 3166-1 alpha-2 for a country; a lowercase slug for a region or group.
        pub code: String,
        /// Country, region or group.
        pub kind: CountryKind,
        /// Its name.
        pub name: crate::domain::lang::Localized,
        /// The UN M49 sub-region (English).
        pub un_region: Option<String>,
        /// Whether it counts in the Global South: a country when it is a member of the G77
        /// or is China, a region or group when most of its members do.
        pub global_south: bool,
        /// A region's or group's member country codes.
        pub members: Vec<String>,
    }
}

/// Who cites a country: one cited anywhere cannot be deleted.
pub const CITED_BY: &[(&str, &str, &str)] = &[
    ("companies", "country_code", "companies"),
    ("models", "country_code", "models"),
    ("statistics", "subject_country_code", "statistics"),
    (
        "statistics",
        "scope_country_code",
        "statistics (as their scope)",
    ),
    ("claim_subjects", "country_code", "claims (as a subject)"),
];

/// Countries through the write path.
pub struct Countries;

impl super::resources::Resource for Countries {
    type Entity = Entity;
    type Model = country::Model;
    type Active = country::ActiveModel;
    type Input = CountryInput;
    type View = crate::views::countries::Country;

    const RESOURCE: &'static str = "countries";
    const SINGULAR: &'static str = "country";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = CITED_BY;

    crate::resource_basics!(country::Model, |model| model.code.clone());

    fn index(model: &mut country::Model) {
        model.search_title = super::search::document(&[
            Some(&model.name_en),
            Some(&model.name_ar),
            Some(&model.code),
        ]);
        model.search_body = super::search::document(&[model.un_region.as_deref()]);
    }

    async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<country::Model>, DbErr> {
        match uuid::Uuid::parse_str(key) {
            Ok(id) => Entity::find_by_id(id).one(db).await,
            Err(_) => find(db, key).await,
        }
    }

    async fn validate<C: ConnectionTrait>(
        db: &C,
        input: CountryInput,
        existing: Option<&country::Model>,
        checks: &mut crate::domain::validate::Checks,
    ) -> Result<super::resources::Prepared<country::Model>, DbErr> {
        let code = &input.code;
        match input.kind {
            CountryKind::Country
                if !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())) =>
            {
                checks.fail(
                    "code",
                    "a country's code is its ISO 3166-1 alpha-2 code, upper-case",
                );
            }
            CountryKind::Region | CountryKind::Group
                if code.len() < 3
                    || code
                        .bytes()
                        .any(|b| !(b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())) =>
            {
                checks.fail(
                    "code",
                    "a region's or group's code is a lower-case slug of 3 or more characters",
                );
            }
            _ => {}
        }
        checks.localized("name", &input.name, false);
        if let Some(region) = &input.un_region {
            checks.line("un_region", region);
        }
        let mut counted = 0;
        for (i, member) in input.members.iter().enumerate() {
            match find(db, member).await? {
                Some(member) => counted += usize::from(member.global_south),
                None => checks.fail(format!("members[{i}]"), format!("no country `{member}`")),
            }
        }
        // A region or group counts in the Global South when most of its countries do.
        let most = counted * 2 > input.members.len();
        if !input.members.is_empty() && most != input.global_south {
            checks.fail(
                "global_south",
                format!(
                    "{counted} of its {} members count in the Global South, so it should be `{most}`",
                    input.members.len()
                ),
            );
        }
        super::writes::ensure_unique::<Entity, _>(
            db,
            checks,
            (Column::Id, Column::Code),
            code,
            existing.map(|e| e.id),
            "code",
            "country",
        )
        .await?;
        Ok(super::resources::Prepared::row(country::Model {
            id: existing.map_or_else(uuid::Uuid::now_v7, |e| e.id),
            code: input.code,
            kind: input.kind.as_str().to_owned(),
            name_en: input.name.en,
            name_ar: input.name.ar,
            un_region: input.un_region,
            global_south: input.global_south,
            members: serde_json::json!(input.members),
            search_title: String::new(),
            search_body: String::new(),
            version: existing.map_or(1, |e| e.version),
            created_at: existing.map_or_else(chrono::Utc::now, |e| e.created_at),
            updated_at: existing.map_or_else(chrono::Utc::now, |e| e.updated_at),
        }))
    }

    async fn view<C: ConnectionTrait>(
        _db: &C,
        model: country::Model,
        lang: Option<crate::domain::lang::Lang>,
    ) -> Result<Self::View, super::writes::WriteError> {
        Ok(crate::views::countries::Country::build(model, lang)?)
    }

    fn input_of(shown: &serde_json::Value) -> serde_json::Value {
        serde_json::Value::Object(super::resources::fields(
            shown,
            &[
                "code",
                "kind",
                "name",
                "un_region",
                "global_south",
                "members",
            ],
        ))
    }
}
