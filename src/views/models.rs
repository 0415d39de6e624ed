//! An AI model, as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use entity::model;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CompanyRef, CountryRef, ModelRef, SourceRef, find, stored};
use crate::{
    domain::{
        kinds::{Modality, Openness},
        lang::{Lang, Text},
    },
    services::related::Related,
};

/// An AI model.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d6e", "slug": "deepseek-r1", "name": "DeepSeek-R1",
    "company": {"slug": "deepseek", "name": {"en": "DeepSeek", "ar": "ديب سيك"}},
    "country": {"code": "CN", "name": {"en": "China", "ar": "الصين"}},
    "released": "2025-01-20", "openness": "open_weights", "license": "MIT",
    "parameters_total": 671000000000u64, "parameters_active": 37000000000u64, "context_window": 128000,
    "modalities": ["text"], "base_model": {"slug": "deepseek-v3-base", "name": "DeepSeek-V3-Base"},
    "huggingface_repo": "deepseek-ai/DeepSeek-R1",
    "description": {"en": "Reasoning model trained with reinforcement learning on DeepSeek-V3-Base.", "ar": "نموذج استدلال دُرّب بالتعلم المعزز انطلاقاً من DeepSeek-V3-Base."},
    "source": null, "note": null,
    "created_at": "2025-11-29T00:00:00Z", "updated_at": "2025-11-29T00:00:00Z"
}))]
pub struct Model {
    /// The record's id.
    pub id: Uuid,
    /// Its slug, used in URLs.
    pub slug: String,
    /// Its name as its maker writes it.
    pub name: String,
    /// Who made it.
    pub company: CompanyRef,
    /// Its country of origin.
    pub country: CountryRef,
    /// When it was released.
    pub released: Option<NaiveDate>,
    /// How openly it is released.
    pub openness: Openness,
    /// Its license: an SPDX id where there is one.
    pub license: Option<String>,
    /// Its total parameters.
    pub parameters_total: Option<i64>,
    /// Parameters active per token (mixture-of-experts models).
    pub parameters_active: Option<i64>,
    /// Its context window, in tokens.
    pub context_window: Option<i64>,
    /// What it takes in and puts out.
    pub modalities: Vec<Modality>,
    /// The model it was derived from.
    pub base_model: Option<ModelRef>,
    /// Its repository id on Hugging Face.
    pub huggingface_repo: Option<String>,
    /// What it is.
    pub description: Text,
    /// Where these facts come from.
    pub source: Option<SourceRef>,
    /// What a reader should know about these facts.
    pub note: Option<Text>,
    /// In a derivatives list: how many generations it is from the model asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Model {
    /// The representation of `model` in `lang`, with what it refers to from `related`;
    /// `depth` in a derivatives list.
    pub fn build(
        model: model::Model,
        related: &Related,
        depth: Option<u32>,
        lang: Option<Lang>,
    ) -> anyhow::Result<Self> {
        let company = find(
            related.companies.get(&model.company_id),
            "company",
            model.company_id,
        )?;
        let country = find(
            related.countries.get(&model.country_code),
            "country",
            &model.country_code,
        )?;
        let base_model = model
            .base_model_id
            .map(|id| find(related.models.get(&id), "model", id).map(ModelRef::from))
            .transpose()?;
        let source = model
            .source_id
            .map(|id| find(related.sources.get(&id), "source", id).map(SourceRef::from))
            .transpose()?;
        let modalities: Vec<String> = serde_json::from_value(model.modalities).map_err(|err| {
            anyhow::anyhow!(
                "the stored modalities of model {} are not a list: {err}",
                model.id
            )
        })?;
        Ok(Self {
            openness: stored(&model.openness, Openness::parse, "openness")?,
            modalities: modalities
                .iter()
                .map(|m| stored(m, Modality::parse, "modality"))
                .collect::<anyhow::Result<_>>()?,
            note: Text::from_parts(model.note_en, model.note_ar, lang),
            id: model.id,
            slug: model.slug,
            name: model.name,
            company: CompanyRef::new(company, lang),
            country: CountryRef::new(country, lang),
            released: model.released_on,
            license: model.license,
            parameters_total: model.parameters_total,
            parameters_active: model.parameters_active,
            context_window: model.context_window,
            base_model,
            huggingface_repo: model.huggingface_repo,
            description: Text::new(model.description_en, model.description_ar, lang),
            source,
            depth,
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}
