//! How the dataset words things: the Arabic glossary that keeps its terms consistent, and
//! the bound words ("more than", «نحو») that say a figure is not exact.

use crate::domain::kinds::Qualifier;

/// One term of the glossary: the form the dataset uses, and the forms it does not.
pub struct Term {
    /// The English term.
    pub english: &'static str,
    /// The Arabic form to use.
    pub preferred: &'static str,
    /// Forms that must not appear in Arabic text (matched anywhere in a word, so they also
    /// catch attached prefixes and suffixes: «والشرائح», «شرائحها»).
    pub rejected: &'static [&'static str],
}

/// The glossary, as `data/README.md` sets it out.
pub const GLOSSARY: &[Term] = &[
    Term {
        english: "fine-tuning",
        preferred: "الضبط الدقيق",
        rejected: &["التدريب الدقيق", "الضبط الناعم", "الصقل"],
    },
    Term {
        english: "quantisation",
        preferred: "التكميم",
        rejected: &["التكمية", "الكمّنة", "الكمنة", "الضغط الكمي"],
    },
    Term {
        english: "agentic tasks",
        preferred: "المهام الوكيلة",
        rejected: &["الوكيلية", "الوكالية", "وكيلية", "وكالية"],
    },
    Term {
        english: "chips",
        preferred: "الرقائق",
        rejected: &["شرائح", "شريحة"],
    },
    Term {
        english: "API",
        preferred: "واجهة برمجة التطبيقات",
        rejected: &[
            "واجهة البرمجة",
            "واجهات البرمجة",
            "واجهة برمجية",
            "واجهة التطبيقات",
        ],
    },
    Term {
        english: "mixture of experts",
        preferred: "مزيج الخبراء",
        rejected: &["خليط الخبراء", "خليط من الخبراء", "مزيج من الخبراء"],
    },
    Term {
        english: "Africa",
        preferred: "إفريقيا",
        rejected: &["أفريقي", "افريقي"],
    },
    Term {
        english: "billion",
        preferred: "مليار",
        rejected: &["بليون"],
    },
];

/// What is wrong with the wording of an Arabic text, one message a fault.
pub fn arabic_faults(text: &str) -> Vec<String> {
    let text = strip_marks(text);
    let mut faults = Vec::new();
    for term in GLOSSARY {
        for rejected in term.rejected {
            if text.contains(&strip_marks(rejected)) {
                faults.push(format!(
                    "writes «{rejected}»: the glossary's word for {} is «{}»",
                    term.english, term.preferred
                ));
            }
        }
    }
    // A decimal takes the singular: «5.1 مليار», «2.5 مليون», never «5.1 مليارات».
    for plural in ["مليارات", "ملايين"] {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(plural) {
            let before = rest[..at].trim_end();
            let number: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            if number.contains('.') && number.starts_with(|c: char| c.is_ascii_digit()) {
                let number: String = number.chars().rev().collect();
                faults.push(format!(
                    "writes «{number} {plural}»: after a decimal the glossary writes the singular («{number} {}»)",
                    if plural == "مليارات" { "مليار" } else { "مليون" }
                ));
            }
            rest = &rest[at + plural.len()..];
        }
    }
    faults
}

/// `text` without Arabic diacritics and tatweel, so that a vowelled spelling matches.
fn strip_marks(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0640}'))
        .collect()
}

/// Words that, written just before a figure, say how exact it is.
const BOUND_WORDS: &[(&str, Qualifier)] = &[
    ("approximately", Qualifier::Approximately),
    ("about", Qualifier::Approximately),
    ("around", Qualifier::Approximately),
    ("nearly", Qualifier::Approximately),
    ("almost", Qualifier::Approximately),
    ("roughly", Qualifier::Approximately),
    ("more than", Qualifier::MoreThan),
    ("over", Qualifier::MoreThan),
    ("at least", Qualifier::AtLeast),
    ("less than", Qualifier::LessThan),
    ("fewer than", Qualifier::LessThan),
    ("under", Qualifier::LessThan),
    ("at most", Qualifier::AtMost),
    ("up to", Qualifier::AtMost),
    ("نحو", Qualifier::Approximately),
    ("حوالي", Qualifier::Approximately),
    ("حوالى", Qualifier::Approximately),
    ("قرابة", Qualifier::Approximately),
    ("ما يقارب", Qualifier::Approximately),
    ("يقارب", Qualifier::Approximately),
    ("أكثر من", Qualifier::MoreThan),
    ("يزيد على", Qualifier::MoreThan),
    ("يزيد عن", Qualifier::MoreThan),
    ("ما لا يقل عن", Qualifier::AtLeast),
    ("لا يقل عن", Qualifier::AtLeast),
    ("أقل من", Qualifier::LessThan),
    ("ما لا يزيد على", Qualifier::AtMost),
    ("لا يزيد على", Qualifier::AtMost),
];

/// Where `text` words `value` with a bound or an approximation ("more than 500", «نحو 97
/// مليون»): the qualifier it implies and the words as written.
pub fn stated_bound(text: &str, value: f64) -> Option<(Qualifier, String)> {
    let lower = strip_marks(text).to_lowercase();
    for (words, qualifier) in BOUND_WORDS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(words) {
            let start = from + found;
            let end = start + words.len();
            from = end;
            // Whole words only: "over" is not the end of "moreover".
            let before = lower[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphabetic() && c.is_ascii()) {
                continue;
            }
            if let Some((number, read)) = number_at(&lower[end..])
                && (number - value).abs() <= value.abs() * 1e-9
            {
                return Some((*qualifier, format!("{words}{}", &lower[end..end + read])));
            }
        }
    }
    None
}

/// The figure at the start of `text`, after spaces and a currency sign, scaled by a
/// "million" or «مليون» that follows it; with the number of bytes read.
fn number_at(text: &str) -> Option<(f64, usize)> {
    let rest = text.trim_start_matches([' ', '\u{00A0}', '$']);
    let rest = rest.strip_prefix("usd ").unwrap_or(rest);
    let skipped = text.len() - rest.len();
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let digits = digits.trim_end_matches(['.', ',']);
    if digits.is_empty() {
        return None;
    }
    let mut number: f64 = digits.replace(',', "").parse().ok()?;
    let mut read = skipped + digits.len();
    let after = &rest[digits.len()..];
    let word = after.trim_start();
    for (scale, names) in [
        (1e9, &["billion", "مليار", "بليون"][..]),
        (1e6, &["million", "مليون", "ملايين"][..]),
    ] {
        if let Some(name) = names.iter().find(|name| word.starts_with(*name)) {
            number *= scale;
            read += after.len() - word.len() + name.len();
            break;
        }
    }
    Some((number, read))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_words_before_the_figure_are_found_in_either_language() {
        let cases = [
            (
                "the article says \"more than 500\" derivative versions",
                500.0,
                Some(Qualifier::MoreThan),
            ),
            (
                "«بأكثر من 2.5 مليون تنزيل في شهر واحد»",
                2.5e6,
                Some(Qualifier::MoreThan),
            ),
            (
                "DeepSeek's users numbered about 97 million.",
                97e6,
                Some(Qualifier::Approximately),
            ),
            (
                "بلغ عدد مستخدمي DeepSeek نحو 97 مليون مستخدم",
                97e6,
                Some(Qualifier::Approximately),
            ),
            (
                "nearly 1,000% since January",
                1000.0,
                Some(Qualifier::Approximately),
            ),
            // Another figure's bound says nothing about this one.
            ("by April the essay gives nearly 97 million", 33e6, None),
            ("33 million users in January", 33e6, None),
            // "over" inside another word is not a bound.
            ("moreover 500 models", 500.0, None),
            ("downloads over the stated period", 500.0, None),
        ];
        for (text, value, expected) in cases {
            assert_eq!(
                stated_bound(text, value).map(|(q, _)| q),
                expected,
                "{text:?} for {value}"
            );
        }
    }

    #[test]
    fn the_glossary_flags_rejected_forms_with_prefixes_and_vowels() {
        assert_eq!(arabic_faults("تصدير الرقائق المتطورة إلى إفريقيا").len(), 0);
        assert_eq!(arabic_faults("تصدير الشرائح المتطورة").len(), 1);
        assert_eq!(arabic_faults("وبالشّرائح").len(), 1);
        assert_eq!(arabic_faults("مدارس في أفريقيا").len(), 1);
        assert_eq!(arabic_faults("سعر o3 في واجهة البرمجة").len(), 1);
        let decimals = arabic_faults("117 مليار معامل، منها 5.1 مليارات نشطة، و3 مليارات أخرى");
        assert_eq!(decimals.len(), 1, "{decimals:?}");
        assert!(decimals[0].contains("5.1 مليار»"), "{decimals:?}");
    }

    #[test]
    fn the_readme_sets_out_every_term_of_the_glossary() {
        let readme = include_str!("../../data/README.md");
        for term in GLOSSARY {
            assert!(
                readme.contains(term.preferred),
                "data/README.md does not give «{}» for {}",
                term.preferred,
                term.english
            );
            for rejected in term.rejected {
                assert!(
                    readme.contains(rejected),
                    "data/README.md does not list «{rejected}» as rejected for {}",
                    term.english
                );
            }
        }
    }
}
