//! Shared vocabulary of every Gatehouse stage: byte [`Span`]s, [`LineIndex`] for line and column,
//! the [`Code`] table, [`Diagnostic`], and [`edit_distance`] for "did you mean".
//!
//! This crate has no dependencies and knows no output format: rendering to text, JSON or SARIF
//! is the command-line crate's job.

mod code;
mod diagnostic;
mod line_index;
mod span;
mod suggest;

pub use code::{Code, CodeInfo};
pub use diagnostic::{Diagnostic, Label, Severity, Tally};
pub use line_index::{LineCol, LineIndex};
pub use span::Span;
pub use suggest::{edit_distance, straight_quote};
