//! The typed policy model.
//!
//! A lossless reader tree becomes a [`PolicyDocument`]: sections, policies matched to their
//! catalog entry, `<base/>` markers, fragment inclusions, attribute values with their spans.
//! Building the model checks each document against the catalog (unknown policies and
//! attributes, required attributes, value kinds, expressions where none are allowed, child
//! elements and their order, sections and scopes) and returns every problem at once.
//! [`compose`] builds the effective document of a chain of scopes; [`fragments`] resolves
//! `include-fragment`.

mod build;
pub mod catalog;
pub mod compose;
pub mod document;
pub mod fragments;
pub mod named_values;
mod rules;

pub use build::{BuildOptions, Built, build, build_with};
pub use catalog::{Scope, Section};
pub use compose::{Effective, Layer, Placed, compose};
pub use document::{Attribute, Block, Config, Content, Item, Kind, Policy, PolicyDocument};
pub use fragments::{FragmentSet, check_includes, expand};
pub use named_values::{NamedValue, NamedValues, Substituted, WholeExpression, whole_expression};
pub use rules::token_value_placeholder as placeholder_in;
