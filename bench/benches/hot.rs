//! Micro-benchmarks of the hot pure code: cursors, Arabic and English normalization, search
//! snippets, and localized JSON rendering. `cargo bench -p mizan-bench`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mizan::domain::{
    cursor::Cursor,
    lang::{Lang, Localized, to_json},
    search_text,
};
use uuid::Uuid;

fn cursors(c: &mut Criterion) {
    let id = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_1234);
    let cursor = Cursor {
        list: "statistics".into(),
        sort: "-period_start".into(),
        value: "2025-06-01".into(),
        id,
    };
    let encoded = cursor.encode();
    c.bench_function("cursor/encode", |b| b.iter(|| black_box(&cursor).encode()));
    c.bench_function("cursor/decode", |b| {
        b.iter(|| Cursor::decode(black_box(&encoded), "statistics", "-period_start"))
    });
}

fn normalization(c: &mut Criterion) {
    let arabic = "وبالشرائحِ الأمريكيةِ المتطورةِ، تَسعى الصينُ إلى القوةِ الناعمةِ في دولِ الجنوبِ العالمي عبرَ النماذجِ المفتوحةِ والرخيصة";
    let english = "Chinese open-weight models are spreading across the Global South, exporting soft power through cheap, downloadable AI";
    c.bench_function("normalize/arabic_sentence", |b| {
        b.iter(|| search_text::tokens(black_box(arabic)))
    });
    c.bench_function("normalize/english_sentence", |b| {
        b.iter(|| search_text::tokens(black_box(english)))
    });
    c.bench_function("normalize/query", |b| {
        b.iter(|| search_text::Query::parse(black_box("\"القوة الناعمة\" export controls")))
    });
}

fn snippets(c: &mut Criterion) {
    // A search hit's texts as a claim has them: its text and its verdict's summary, in
    // each language; the query matches the Arabic text's last sentence and neither English one.
    let english = [
        "Chinese open-weight models are spreading across the Global South, carried by low \
         prices and permissive licenses, while American labs keep their frontier models closed.",
        "Mostly accurate: downloads and derivative models support the claim, adoption surveys \
         are thinner.",
    ];
    let arabic = [
        "تنتشر النماذج الصينية مفتوحة الأوزان في دول الجنوب العالمي بفضل أسعارها المنخفضة \
         وتراخيصها المتساهلة، بينما تُبقي المختبرات الأمريكية نماذجها الرائدة مغلقة. \
         ويرى محللون أن ذلك يمنح الصين قوة ناعمة جديدة.",
        "صحيح في معظمه: أرقام التنزيل والنماذج المشتقة تدعم الادعاء.",
    ];
    let query = search_text::Query::parse("القوة الناعمة").expect("a valid query");
    assert!(search_text::snippet(arabic, &query, 30).contains("<mark>"));
    assert!(!search_text::snippet(english, &query, 30).contains("<mark>"));
    c.bench_function("snippet/arabic_match", |b| {
        b.iter(|| search_text::snippet(black_box(arabic), &query, 30))
    });
    c.bench_function("snippet/english_no_match", |b| {
        b.iter(|| search_text::snippet(black_box(english), &query, 30))
    });
    // A page of 50 hits whose texts share their words, as a page's do: the Arabic text
    // with its words turned by one more place for each hit. One cutter for the page, as
    // search has, stems each spelling once; a cutter for each hit stems them again.
    let words: Vec<&str> = arabic[0].split_whitespace().collect();
    let page: Vec<String> = (0..50)
        .map(|turn| {
            let (head, tail) = words.split_at(turn % words.len());
            [tail, head].concat().join(" ")
        })
        .collect();
    c.bench_function("snippet/arabic_page_of_50_one_cutter", |b| {
        b.iter(|| {
            let mut snippets = search_text::Snippets::new(&query);
            for text in &page {
                black_box(snippets.cut([text.as_str()], 30));
            }
        })
    });
    c.bench_function("snippet/arabic_page_of_50_a_cutter_each", |b| {
        b.iter(|| {
            for text in &page {
                black_box(search_text::snippet([text.as_str()], &query, 30));
            }
        })
    });
}

fn rendering(c: &mut Criterion) {
    let rows: Vec<(Uuid, Localized, Localized)> = (0..50u128)
        .map(|i| {
            (
                Uuid::from_u128(i),
                Localized::new("DeepSeek-R1", "ديب سيك آر 1"),
                Localized::new(
                    "DeepSeek's reasoning model, trained with large-scale reinforcement learning.",
                    "نموذج الاستدلال لدى ديب سيك، دُرّب بالتعلّم المعزّز على نطاق واسع.",
                ),
            )
        })
        .collect();
    for (name, lang) in [
        ("both", None),
        ("en", Some(Lang::En)),
        ("ar", Some(Lang::Ar)),
    ] {
        // A page as a response renders it: each text shown in the language chosen.
        c.bench_function(&format!("render/50_rows_{name}"), |b| {
            b.iter(|| {
                let shown: Vec<_> = black_box(&rows)
                    .iter()
                    .map(|(id, name, description)| (id, name.show(lang), description.show(lang)))
                    .collect();
                to_json(&shown)
            })
        });
    }
}

criterion_group!(benches, cursors, normalization, snippets, rendering);
criterion_main!(benches);
