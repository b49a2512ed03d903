//! From the user's query text to a tantivy query.
//!
//! tantivy's query grammar gives the structure (words, `"phrases"`, `AND`/`OR`/`NOT`, `field:word`, `^boost`); this
//! module decides what each word means, because Finnish needs more than a term per word:
//! - a word's alternative base forms ("tuki" may be *tuki* or *tukea*) are alternatives, not a phrase;
//! - a word is also looked up by its compound parts in the parts field, at a lower weight, so *asiakasohjaus* finds
//!   *sosiaaliohjaus* texts about *asiakkaat*, and *valtuusto* finds *aluevaltuusto*;
//! - an abbreviation also searches its expansion (*sote* → "sosiaali- ja terveydenhuolto") and vice versa;
//! - a phrase is matched on base forms, position by position.

use std::collections::BTreeSet;

use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;

use crate::IndexError;

/// Weight of a title match relative to a body match. Measured on the dev topics (`sotehaku eval`): 1.0 beat 1.5, 2
/// and 4 — statute titles are long and generic, so a title match says less than it seems.
pub const TITLE_BOOST: f32 = 1.0;
/// Weight of the compound-parts field relative to the base-form fields. The parts field also holds the base form of
/// every simple word, so at 1.0 it acts as a second bag of words in which compounds count by their parts; measured
/// best between 1.0 and 1.5 (0.3: nDCG@10 0.678, 1.0: 0.707, 2.5: 0.709).
pub const PARTS_BOOST: f32 = 1.0;
/// Weight of a match on an abbreviation's expansion (or an expansion's abbreviation).
pub const EXPANSION_BOOST: f32 = 0.5;
/// Most words in one query; more is a mistake, not a search.
const MAX_WORDS: usize = 64;

/// A field searched for a word, with the chain that analyses the query word for it.
pub(crate) struct SearchField {
    pub field: Field,
    pub analyzer: TextAnalyzer,
    pub boost: f32,
    /// Whether the field is searched by compound parts (no phrases, parts are alternatives).
    pub parts: bool,
    /// Whether a stop-word check looks at this field (the Finnish fields).
    pub primary: bool,
    /// The names users may give it in `name:word`.
    pub names: &'static [&'static str],
}

/// Builds queries over a fixed set of fields.
pub(crate) struct QueryBuilder {
    pub fields: Vec<SearchField>,
    /// Abbreviation ↔ expansion lookup; empty for baseline analyzers.
    pub expand: bool,
}

/// What a query turned into, plus whether any searchable word survived analysis.
pub(crate) struct BuiltQuery {
    pub query: Box<dyn Query>,
    pub has_terms: bool,
}

impl QueryBuilder {
    pub fn build(&mut self, text: &str) -> Result<BuiltQuery, IndexError> {
        let ast = tantivy::query_grammar::parse_query(text).map_err(|_| IndexError::Query {
            query: text.chars().take(200).collect(),
            reason:
                "the query has a syntax error: check quotes and parentheses, and that AND/OR/NOT stand between words"
                    .into(),
        })?;
        let mut words = 0;
        let mut has_terms = false;
        let query = self.convert(&ast, text, &mut words, &mut has_terms)?;
        Ok(BuiltQuery {
            query: query.unwrap_or_else(|| Box::new(EmptyQuery)),
            has_terms,
        })
    }

    fn convert(
        &mut self,
        ast: &UserInputAst,
        text: &str,
        words: &mut usize,
        has_terms: &mut bool,
    ) -> Result<Option<Box<dyn Query>>, IndexError> {
        let user_error = |reason: String| IndexError::Query {
            query: text.chars().take(200).collect(),
            reason,
        };
        match ast {
            UserInputAst::Clause(clauses) => {
                let mut converted = Vec::new();
                for (occur, sub) in clauses {
                    if let Some(q) = self.convert(sub, text, words, has_terms)? {
                        converted.push((occur.unwrap_or(Occur::Should), q));
                    }
                }
                if converted.is_empty() {
                    return Ok(None);
                }
                if converted.iter().all(|(o, _)| *o == Occur::MustNot) {
                    return Err(user_error(
                        "the query only excludes words; add at least one word to search for".into(),
                    ));
                }
                if converted.len() == 1 && converted[0].0 != Occur::MustNot {
                    return Ok(converted.pop().map(|(_, q)| q));
                }
                Ok(Some(Box::new(BooleanQuery::new(converted))))
            }
            UserInputAst::Boost(sub, boost) => {
                let boost = boost.into_inner() as f32;
                if !boost.is_finite() || boost <= 0.0 || boost > 1000.0 {
                    return Err(user_error(format!(
                        "a boost must be a number between 0 and 1000, not {boost}"
                    )));
                }
                Ok(self
                    .convert(sub, text, words, has_terms)?
                    .map(|q| Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>))
            }
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(literal) => {
                    *words += 1;
                    if *words > MAX_WORDS {
                        return Err(user_error(format!("the query has more than {MAX_WORDS} words")));
                    }
                    self.literal(literal, text, has_terms)
                }
                UserInputLeaf::All => Ok(Some(Box::new(tantivy::query::AllQuery))),
                UserInputLeaf::Range { .. } | UserInputLeaf::Set { .. } => Err(user_error(
                    "ranges and sets are not supported in the query; use the date and facet filters".into(),
                )),
                UserInputLeaf::Exists { .. } | UserInputLeaf::Regex { .. } => Err(user_error(
                    "this kind of query is not supported; search for words or \"phrases\"".into(),
                )),
            },
        }
    }

    fn literal(
        &mut self,
        literal: &UserInputLiteral,
        text: &str,
        has_terms: &mut bool,
    ) -> Result<Option<Box<dyn Query>>, IndexError> {
        let wanted: Vec<usize> = match &literal.field_name {
            None => (0..self.fields.len()).collect(),
            Some(name) => {
                let matching: Vec<usize> = (0..self.fields.len())
                    .filter(|&i| self.fields[i].names.contains(&name.as_str()))
                    .collect();
                if matching.is_empty() {
                    return Err(IndexError::Query {
                        query: text.chars().take(200).collect(),
                        reason: format!("there is no field {name:?}; searchable fields are title and text"),
                    });
                }
                matching
            }
        };
        let phrase = literal.delimiter != Delimiter::None;
        let mut per_field: Vec<Box<dyn Query>> = Vec::new();
        let mut primary_terms = false;
        for i in wanted {
            let field = &mut self.fields[i];
            let positions = analyze(&mut field.analyzer, &literal.phrase);
            if positions.is_empty() {
                continue;
            }
            primary_terms |= field.primary;
            let q = if field.parts {
                if phrase {
                    continue;
                }
                // Parts are alternatives: a document with more of them scores higher.
                let terms: Vec<Box<dyn Query>> = distinct(positions.into_iter().flatten())
                    .into_iter()
                    .map(|t| term_query(field.field, &t))
                    .collect();
                Some(should(terms))
            } else if phrase && positions.len() > 1 {
                // Base forms position by position; an ambiguous word is matched by its first reading.
                let terms: Vec<(usize, Term)> = positions
                    .iter()
                    .enumerate()
                    .filter_map(|(offset, alts)| alts.first().map(|t| (offset, Term::from_field_text(field.field, t))))
                    .collect();
                Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, literal.slop)) as Box<dyn Query>)
            } else {
                // One word (or a quoted single word): its alternative base forms, best one counts.
                let words: Vec<Box<dyn Query>> = positions
                    .into_iter()
                    .map(|alts| {
                        let alts: Vec<Box<dyn Query>> = alts.iter().map(|t| term_query(field.field, t)).collect();
                        if alts.len() == 1 {
                            alts.into_iter().next().unwrap_or_else(|| Box::new(EmptyQuery))
                        } else {
                            Box::new(DisjunctionMaxQuery::new(alts)) as Box<dyn Query>
                        }
                    })
                    .collect();
                Some(must(words))
            };
            if let Some(q) = q {
                per_field.push(boost(q, field.boost));
            }
        }
        if !primary_terms {
            // A stop word (or punctuation) in Finnish: not searched in the other fields either.
            return Ok(None);
        }
        *has_terms = true;
        if self.expand && literal.field_name.is_none() && !phrase {
            for expansion in sotehaku_finnish::expansions(&literal.phrase) {
                let expanded = UserInputLiteral {
                    field_name: None,
                    phrase: expansion,
                    delimiter: Delimiter::DoubleQuotes,
                    slop: 0,
                    prefix: false,
                };
                let mut ignored = false;
                self.expand = false;
                let q = self.literal(&expanded, text, &mut ignored);
                self.expand = true;
                if let Some(q) = q? {
                    per_field.push(boost(q, EXPANSION_BOOST));
                }
            }
        }
        Ok(Some(should(per_field)))
    }
}

/// The distinct terms at each position of the analysed text.
fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Vec<String>> {
    let mut positions: Vec<(usize, Vec<String>)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        match positions.last_mut() {
            Some((pos, alts)) if *pos == token.position => {
                if !alts.contains(&token.text) {
                    alts.push(token.text.clone());
                }
            }
            _ => positions.push((token.position, vec![token.text.clone()])),
        }
    }
    positions.into_iter().map(|(_, alts)| alts).collect()
}

fn distinct(terms: impl Iterator<Item = String>) -> BTreeSet<String> {
    terms.collect()
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boost(q: Box<dyn Query>, factor: f32) -> Box<dyn Query> {
    if (factor - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, factor))
    }
}

fn should(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.remove(0);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn must(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.remove(0);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}
