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

use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
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
    /// Whether `query` is a flat disjunction of weighted terms (no phrases, no required or excluded words): such a
    /// query can be counted without scores and its best hits found with block-max WAND.
    pub flat: bool,
}

/// A converted piece of the query, and the same piece as weighted alternative terms when it is one.
struct Converted {
    query: Box<dyn Query>,
    /// The terms whose weighted sum of scores `query` is, when it is only that.
    flat: Option<Vec<(Term, f32)>>,
}

impl Converted {
    fn boosted(self, factor: f32) -> Converted {
        Converted {
            query: boost(self.query, factor),
            flat: self
                .flat
                .map(|terms| terms.into_iter().map(|(t, w)| (t, w * factor)).collect()),
        }
    }
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
        Ok(match self.convert(&ast, text, &mut words, &mut has_terms)? {
            None => BuiltQuery {
                query: Box::new(EmptyQuery),
                has_terms,
                flat: false,
            },
            Some(Converted { flat: Some(terms), .. }) if !terms.is_empty() => BuiltQuery {
                query: flat_query(terms),
                has_terms,
                flat: true,
            },
            Some(converted) => BuiltQuery {
                query: converted.query,
                has_terms,
                flat: false,
            },
        })
    }

    fn convert(
        &mut self,
        ast: &UserInputAst,
        text: &str,
        words: &mut usize,
        has_terms: &mut bool,
    ) -> Result<Option<Converted>, IndexError> {
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
                // Optional words whose scores add up: the clause is their terms, side by side.
                let flat = converted.iter().all(|(o, _)| *o == Occur::Should).then(|| {
                    converted
                        .iter()
                        .map(|(_, c)| c.flat.clone())
                        .collect::<Option<Vec<_>>>()
                        .map(|all| all.concat())
                });
                Ok(Some(Converted {
                    query: Box::new(BooleanQuery::new(
                        converted.into_iter().map(|(o, c)| (o, c.query)).collect(),
                    )),
                    flat: flat.flatten(),
                }))
            }
            UserInputAst::Boost(sub, boost) => {
                let boost = boost.into_inner() as f32;
                if !boost.is_finite() || boost <= 0.0 || boost > 1000.0 {
                    return Err(user_error(format!(
                        "a boost must be a number between 0 and 1000, not {boost}"
                    )));
                }
                Ok(self.convert(sub, text, words, has_terms)?.map(|c| c.boosted(boost)))
            }
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(literal) => {
                    *words += 1;
                    if *words > MAX_WORDS {
                        return Err(user_error(format!("the query has more than {MAX_WORDS} words")));
                    }
                    self.literal(literal, text, has_terms)
                }
                UserInputLeaf::All => Ok(Some(Converted {
                    query: Box::new(tantivy::query::AllQuery),
                    flat: None,
                })),
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
    ) -> Result<Option<Converted>, IndexError> {
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
        let mut per_field: Vec<Converted> = Vec::new();
        let mut primary_terms = false;
        for i in wanted {
            let field = &mut self.fields[i];
            let positions = analyze(&mut field.analyzer, &literal.phrase);
            if positions.is_empty() {
                continue;
            }
            primary_terms |= field.primary;
            let converted = if field.parts {
                if phrase {
                    continue;
                }
                // Parts are alternatives: a document with more of them scores higher.
                terms_sum(
                    distinct(positions.into_iter().flatten())
                        .iter()
                        .map(|t| (Term::from_field_text(field.field, t), 1.0))
                        .collect(),
                )
            } else if positions.len() > 1 {
                if phrase {
                    // Base forms position by position; an ambiguous word is matched by its first reading.
                    let terms: Vec<(usize, Term)> = positions
                        .iter()
                        .enumerate()
                        .filter_map(|(offset, alts)| {
                            alts.first().map(|t| (offset, Term::from_field_text(field.field, t)))
                        })
                        .collect();
                    Converted {
                        query: Box::new(PhraseQuery::new_with_offset_and_slop(terms, literal.slop)),
                        flat: None,
                    }
                } else {
                    // One literal that analyses into several words (e.g. "touko-/kesäkuu"): all are needed.
                    Converted {
                        query: must(
                            positions
                                .iter()
                                .map(|alts| alternatives(field.field, alts).query)
                                .collect(),
                        ),
                        flat: None,
                    }
                }
            } else {
                // One word (or a quoted single word): its alternative base forms share the word's weight.
                alternatives(field.field, &positions[0])
            };
            per_field.push(converted.boosted(field.boost));
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
                let converted = self.literal(&expanded, text, &mut ignored);
                self.expand = true;
                if let Some(converted) = converted? {
                    per_field.push(converted.boosted(EXPANSION_BOOST));
                }
            }
        }
        let flat = per_field
            .iter()
            .map(|c| c.flat.clone())
            .collect::<Option<Vec<_>>>()
            .map(|all| all.concat());
        Ok(Some(Converted {
            query: should(per_field.into_iter().map(|c| c.query).collect()),
            flat,
        }))
    }
}

/// A word's alternative base forms in `field`. Each has `1/n` of the word's weight, so an ambiguous word ("tuki":
/// *tuki* or *tukea*) weighs as much as a plain one; measured on the dev topics like taking the best reading
/// (nDCG@10 0.705 against 0.704), and unlike that it keeps the query a sum of terms.
fn alternatives(field: Field, alts: &[String]) -> Converted {
    let weight = 1.0 / alts.len().max(1) as f32;
    terms_sum(alts.iter().map(|t| (Term::from_field_text(field, t), weight)).collect())
}

/// The weighted sum of the scores of `terms`.
fn terms_sum(terms: Vec<(Term, f32)>) -> Converted {
    Converted {
        query: should(terms.iter().map(|(t, w)| boost(term_query(t.clone()), *w)).collect()),
        flat: Some(terms),
    }
}

/// One disjunction of weighted terms; a term that occurs more than once gets the sum of its weights, which scores
/// the same as the repeated clauses.
fn flat_query(terms: Vec<(Term, f32)>) -> Box<dyn Query> {
    let mut merged: Vec<(Term, f32)> = Vec::with_capacity(terms.len());
    for (term, weight) in terms {
        match merged.iter_mut().find(|(t, _)| *t == term) {
            Some((_, w)) => *w += weight,
            None => merged.push((term, weight)),
        }
    }
    // A one-clause boolean query keeps block-max WAND (a bare term query would too, but one shape is simpler).
    Box::new(BooleanQuery::new(
        merged
            .into_iter()
            .map(|(t, w)| (Occur::Should, boost(term_query(t), w)))
            .collect(),
    ))
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

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
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
