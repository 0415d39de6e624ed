//! A company or lab, as the API shows it.

use chrono::{DateTime, Utc};
use entity::company;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CountryRef, SourceRef, find, stored};
use crate::{
    domain::{
        kinds::CompanyKind,
        lang::{Lang, Text},
    },
    services::related::Related,
};

/// A company or lab that builds models.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "slug": "deepseek",
    "name": {"en": "DeepSeek", "ar": "ديب سيك"}, "kind": "ai_lab",
    "country": {"code": "CN", "name": {"en": "China", "ar": "الصين"}},
    "founded": 2023, "headquarters": {"en": "Hangzhou", "ar": "هانغتشو"},
    "website": "https://www.deepseek.com",
    "description": {"en": "Chinese AI lab behind the open-weight DeepSeek-V3 and R1 models.", "ar": "مختبر صيني للذكاء الاصطناعي طوّر نموذجي DeepSeek-V3 وR1 مفتوحي الأوزان."},
    "source": null, "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Company {
    /// The record's id.
    pub id: Uuid,
    /// Its slug, used in URLs.
    pub slug: String,
    /// Its name.
    pub name: Text,
    /// What kind of organization it is.
    pub kind: CompanyKind,
    /// Where it is based.
    pub country: CountryRef,
    /// The year it was founded.
    pub founded: Option<i32>,
    /// Where its headquarters are.
    pub headquarters: Option<Text>,
    /// Its website.
    pub website: Option<String>,
    /// What it does.
    pub description: Text,
    /// Where these facts come from.
    pub source: Option<SourceRef>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Company {
    /// The representation of `company` in `lang`, with what it refers to from `related`.
    pub fn build(
        company: company::Model,
        related: &Related,
        lang: Option<Lang>,
    ) -> anyhow::Result<Self> {
        let country = find(
            related.countries.get(&company.country_code),
            "country",
            &company.country_code,
        )?;
        let source = company
            .source_id
            .map(|id| find(related.sources.get(&id), "source", id).map(SourceRef::from))
            .transpose()?;
        Ok(Self {
            kind: stored(&company.kind, CompanyKind::parse, "company kind")?,
            headquarters: Text::from_parts(company.headquarters_en, company.headquarters_ar, lang),
            id: company.id,
            slug: company.slug,
            name: Text::new(company.name_en, company.name_ar, lang),
            country: CountryRef::new(country, lang),
            founded: company.founded_year,
            website: company.website,
            description: Text::new(company.description_en, company.description_ar, lang),
            source,
            created_at: company.created_at,
            updated_at: company.updated_at,
        })
    }
}
