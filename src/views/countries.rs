//! A country, region or group, as the API shows it.

use chrono::{DateTime, Utc};
use entity::country;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::stored;
use crate::domain::{
    kinds::CountryKind,
    lang::{Lang, Text},
};

/// A country, region or group of countries.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "code": "IN", "kind": "country",
    "name": {"en": "India", "ar": "الهند"}, "un_region": "Southern Asia", "global_south": true,
    "members": [], "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Country {
    /// The record's id.
    pub id: Uuid,
    /// ISO 3166-1 alpha-2 code for a country; a slug for a region or group.
    pub code: String,
    /// Country, region or group.
    pub kind: CountryKind,
    /// Its name.
    pub name: Text,
    /// The UN M49 sub-region it belongs to.
    pub un_region: Option<String>,
    /// Whether it is counted in the Global South.
    pub global_south: bool,
    /// For regions and groups: the codes of their member countries.
    pub members: Vec<String>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Country {
    /// The representation of `country` in `lang`.
    pub fn build(country: country::Model, lang: Option<Lang>) -> anyhow::Result<Self> {
        Ok(Self {
            id: country.id,
            members: serde_json::from_value(country.members).map_err(|err| {
                anyhow::anyhow!(
                    "the stored members of {} are not codes: {err}",
                    country.code
                )
            })?,
            kind: stored(&country.kind, CountryKind::parse, "country kind")?,
            code: country.code,
            name: Text::new(country.name_en, country.name_ar, lang),
            un_region: country.un_region,
            global_south: country.global_south,
            created_at: country.created_at,
            updated_at: country.updated_at,
        })
    }
}
